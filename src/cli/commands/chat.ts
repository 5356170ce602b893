import type { Command } from "commander";

/** `aims chat`: talk to ACHEEVY, one turn (a message given) or interactively (none given). */
export function registerChat(program: Command): void {
  program
    .command("chat [message...]")
    .description(
      'talk to ACHEEVY: "what\'s running?", "deploy the static site as web", "why did web fail?"; without a message, an interactive session (yes/no decides what waits for your approval)',
    )
    .requiredOption("-t, --tenant <tenant>", "the tenant ACHEEVY acts in")
    .option("--conversation <id>", "go on with this conversation (its id is in every answer)")
    .option("--dry-run", "say what would happen and do nothing (nothing asked, run or stored)")
    .option("--json", "one JSON object per turn (docs/acheevy.md)")
    .action(async function (
      this: Command,
      words: string[],
      opts: { tenant: string; conversation?: string; dryRun?: boolean; json?: boolean },
    ) {
      const { runChat } = await import("../actions/chat.js");
      await runChat(this, words, opts);
    });
}

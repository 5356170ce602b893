import type { Command } from "commander";

/**
 * `aims approvals list|show|approve|deny|policy`: what ACHEEVY (or another AI actor) asked for. On the host,
 * the person at the terminal decides as the host's operator; remotely, the key needs the approvals:decide scope.
 */
export function registerApprovals(program: Command): void {
  const approvals = program
    .command("approvals")
    .description(
      "what ACHEEVY asked for and waits on a person for: list, show, approve, deny; the tenant's policy",
    );
  approvals
    .command("list")
    .description("a tenant's approvals, newest first")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--status <status>", "only these: pending, approved, denied, expired, executing, done, failed")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; status?: string; json?: boolean }) {
      const { runApprovalsList } = await import("../actions/approvals.js");
      await runApprovalsList(this, opts);
    });
  approvals
    .command("show <id>")
    .description(
      "one approval: what will happen, resources and plan impact, who asked, who decided, what ran",
    )
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, id: string, opts: { tenant: string; json?: boolean }) {
      const { runApprovalsShow } = await import("../actions/approvals.js");
      await runApprovalsShow(this, id, opts);
    });
  for (const verb of ["approve", "deny"] as const)
    approvals
      .command(`${verb} <id>`)
      .description(verb === "approve" ? "approve it, and run it now (exactly once)" : "deny it: nothing runs")
      .requiredOption("-t, --tenant <tenant>", "tenant name")
      .option("--reason <text>", "why (kept with the decision)")
      .option("--json", "machine-readable output")
      .action(async function (
        this: Command,
        id: string,
        opts: { tenant: string; reason?: string; json?: boolean },
      ) {
        const { runApprovalsDecide } = await import("../actions/approvals.js");
        await runApprovalsDecide(this, id, verb === "approve", opts);
      });
  approvals
    .command("policy [policy]")
    .description("what needs approval in a tenant: all (every change), risky (destructive and spend) or none")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (
      this: Command,
      policy: string | undefined,
      opts: { tenant: string; json?: boolean },
    ) {
      const { runApprovalsPolicy } = await import("../actions/approvals.js");
      await runApprovalsPolicy(this, policy, opts);
    });
}

import { createInterface } from "node:readline";
import type { Command } from "commander";
import type { ChatEvent, TurnView } from "../../ai/chat/turnView.js";
import type { AimsClient } from "../client/AimsClient.js";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { printJson, reportError } from "../output.js";

export interface ChatOptions {
  tenant: string;
  conversation?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `aims chat`: with a message, one turn (its reply streamed as it comes, or with --json the turn object);
 * without one, a session on the terminal (readline, with its history) that goes on in one conversation.
 */
export async function runChat(cmd: Command, words: string[], opts: ChatOptions): Promise<void> {
  const message = words.join(" ").trim();
  await withClient(cmd, async (client) => {
    if (message) {
      const turn = await oneTurn(cmd, client, opts, message, opts.conversation);
      if (!opts.json && turn.approvalId && turn.conversation)
        process.stderr.write(
          `aims: to approve: aims chat yes --tenant ${opts.tenant} --conversation ${turn.conversation}   (or: aims approvals approve ${turn.approvalId} --tenant ${opts.tenant})\n`,
        );
      return;
    }
    await session(cmd, client, opts);
  });
}

/** One turn: text deltas to stdout as they come (not with --json), progress to stderr. */
async function oneTurn(
  cmd: Command,
  client: AimsClient,
  opts: ChatOptions,
  message: string,
  conversation: string | undefined,
  inSession = false,
): Promise<TurnView> {
  const progress = progressFor(cmd);
  let wrote = false;
  const onEvent = (event: ChatEvent) => {
    if (event.type === "progress") progress(event.message);
    if (event.type === "text" && !opts.json) {
      process.stdout.write(event.delta);
      wrote = true;
    }
  };
  const turn = await client.acheevy.chat(
    {
      tenant: opts.tenant,
      message,
      dryRun: Boolean(opts.dryRun),
      ...(conversation ? { conversation } : {}),
    },
    onEvent,
  );
  // A session prints one JSON line per turn; a single turn, one pretty object.
  if (opts.json) inSession ? process.stdout.write(`${JSON.stringify(turn)}\n`) : printJson(turn);
  else if (wrote) process.stdout.write("\n");
  return turn;
}

/** An interactive session: each line a turn, in one conversation; `exit`, `quit` or Ctrl-D ends it. */
async function session(cmd: Command, client: AimsClient, opts: ChatOptions): Promise<void> {
  const terminal = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal, historySize: 500 });
  let conversation = opts.conversation;
  if (terminal)
    process.stderr.write(
      `ACHEEVY in tenant ${opts.tenant}${conversation ? `, conversation ${conversation}` : ""}. Ask, or say "help"; "exit" ends.\n`,
    );
  const prompt = () => {
    rl.setPrompt("you> ");
    rl.prompt();
  };
  prompt();
  for await (const line of rl) {
    const message = line.trim();
    if (message === "exit" || message === "quit") break;
    if (message) {
      try {
        const turn = await oneTurn(cmd, client, opts, message, conversation, true);
        conversation = turn.conversation ?? conversation;
      } catch (err) {
        reportError(err, Boolean(opts.json));
        process.exitCode = 0;
      }
    }
    prompt();
  }
  rl.close();
}

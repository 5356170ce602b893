import type { Command } from "commander";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { printJson } from "../output.js";
import { printInstance } from "../printInstance.js";

/** The state changes `aims <action> <instance>` asks for, with the verb its result is printed with. */
const VERBS = {
  stop: "stopped",
  start: "started",
  restart: "restarted",
  suspend: "suspended",
  resume: "resumed",
} as const;

/** What a no-op says the instance already is (a suspended instance is stopped too). */
const ALREADY = {
  stop: "already stopped",
  start: "already running",
  restart: "already running",
  suspend: "already suspended",
  resume: "already running",
} as const;

export type StateAction = keyof typeof VERBS;

/**
 * `aims stop|start|restart|suspend|resume <instance>`: changes the state and prints the instance; asking for
 * the state it is in exits 0 and says "already running" (or stopped, suspended).
 */
export async function runStateChange(
  cmd: Command,
  action: StateAction,
  name: string,
  opts: { tenant: string; json?: boolean },
): Promise<void> {
  const view = await withClient(cmd, (client) =>
    client.changeState({ tenant: opts.tenant, name, action }, progressFor(cmd)),
  );
  if (opts.json) printJson(view);
  else printInstance((view.unchanged ? ALREADY : VERBS)[action], view);
}

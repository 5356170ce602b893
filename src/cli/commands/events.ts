import type { Command } from "commander";

/** `aims events`: the persisted event log, optionally followed. */
export function registerEvents(program: Command): void {
  program
    .command("events")
    .description("show the event log")
    .option("-t, --tenant <tenant>", "only this tenant's events")
    .option("-f, --follow", "keep printing new events")
    .option("--type <prefix>", "only events whose type starts with this (e.g. instance.)")
    .option("--json", "one JSON object per line")
    .action(async function (this: Command, opts) {
      const { runEvents } = await import("../actions/events.js");
      await runEvents(this, opts);
    });
}

import type { Command } from "commander";

/** `aims store migrate-to <url>`: moves this install's SQLite store into PostgreSQL (host only, serve stopped). */
export function registerStore(program: Command): void {
  const store = program.command("store").description("this install's database (host only)");
  store
    .command("migrate-to <url>")
    .description(
      "copy this install's SQLite store into an empty PostgreSQL database (postgres://user:password@host:port/database) while `aims serve` is stopped, then say what to put in config.yaml",
    )
    .option("--json", "machine-readable output")
    .action(async function (this: Command, url: string, opts: { json?: boolean }) {
      const { runStoreMigrateTo } = await import("../actions/storeMigrate.js");
      await runStoreMigrateTo(this, url, opts);
    });
}

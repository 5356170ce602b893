import type { Command } from "commander";

/**
 * `aims audit verify` and `aims audit export`: checking the hash-chained audit log and taking it away. On the
 * host they read the store; in remote mode (AIMS_URL) they ask the API (verifying the chain is the operator's).
 */
export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("the hash-chained audit log: verify it, export it");
  audit
    .command("verify")
    .description(
      "walk the audit chain: its length and head hash, or the first entry that was edited, deleted or reordered (exit 8)",
    )
    .option("--file <file>", "check an `aims audit export` file offline instead of the store")
    .option("--partial", "with --file: the export leaves entries out (--tenant), so check across its gaps")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { file?: string; partial?: boolean; json?: boolean }) {
      const { runAuditVerify } = await import("../actions/auditVerify.js");
      await runAuditVerify(this, opts);
    });
  audit
    .command("export")
    .description(
      "write audit entries, oldest first, as JSON lines with their hashes (for `audit verify --file`)",
    )
    .option("-t, --tenant <tenant>", "only this tenant's entries")
    .option("--since <time>", "only entries written at or after this time (ISO 8601, like 2026-01-31)")
    .option("--json", "errors as JSON too (entries are always JSON lines)")
    .action(async function (this: Command, opts: { tenant?: string; since?: string }) {
      const { runAuditExport } = await import("../actions/auditExport.js");
      await runAuditExport(this, opts);
    });
}

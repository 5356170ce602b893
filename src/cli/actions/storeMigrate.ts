import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { ChainVerdict } from "../../audit/chainVerifier.js";
import { AimsError } from "../../domain/errors.js";
import { verifyAuditChain } from "../../store/auditLog.js";
import { copySqliteToPostgres } from "../../store/copyStore.js";
import { openStore, type Store, storeKindOf } from "../../store/database.js";
import { liveLeases } from "../../store/leases.js";
import { redactDatabaseUrl } from "../../store/postgresBackend.js";
import { type GlobalOptions, hostOnly, progressFor } from "../context.js";
import { printJson } from "../output.js";

const EXAMPLE = "postgres://aims:<password>@localhost:5432/aims";

/**
 * `aims store migrate-to <url>`: copies the SQLite store (tenants, people, keys, instances, allocations,
 * events, the audit chain: every table, ids kept) into an empty PostgreSQL database, checks the copy (row counts,
 * the audit chain's head), and says what to put in config.yaml. The SQLite file is left as it was.
 */
export async function runStoreMigrateTo(cmd: Command, url: string, opts: { json?: boolean }): Promise<void> {
  const config = hostOnly(cmd);
  if (storeKindOf(config.databaseUrl) !== "sqlite")
    throw new AimsError(
      "invalid_input",
      `this install's store is already ${redactDatabaseUrl(config.databaseUrl)}: migrate-to copies a SQLite store`,
    );
  const target = postgresUrl(url);
  refuseWhileServing(config.dataDir);
  const progress = progressFor(cmd);
  const settings = { dataDir: config.dataDir, defaultPlan: config.defaultPlan };
  const source = await openStore({ databaseUrl: config.databaseUrl, ...settings });
  let copy: Store | undefined;
  try {
    const busy = await liveLeases(source.db);
    if (busy.length)
      throw new AimsError(
        "conflict",
        `another AIMS process is working on this store (${busy.map((l) => `${l.name} held by ${l.holder}`).join(", ")}): stop it, then migrate`,
      );
    const before = await verifyAuditChain(source.db);
    copy = await openStore({ databaseUrl: target, ...settings });
    const { rows } = await copySqliteToPostgres(source.db, copy.db, progress);
    const after = await verifyAuditChain(copy.db);
    refuseUnfaithful(before, after);
    const result = {
      from: source.location,
      to: copy.location,
      installation: source.installationId,
      rows,
      audit: after,
      config: `databaseUrl: ${configUrl(target)}`,
    };
    if (opts.json) return printJson(result);
    process.stdout.write(
      [
        `copied ${source.location} into ${copy.location}: ${summary(rows)}`,
        `audit chain ${after.ok ? `whole on PostgreSQL: ${after.length} entries, head hash ${after.headHash}` : `copied as it was, BROKEN at entry ${after.broken.seq} (it is on SQLite too: see \`aims audit verify\`)`}`,
        `Now put this in ${configFile(cmd, config.dataDir)} (or set AIMS_DATABASE_URL), with the password you gave, and start \`aims serve\`:`,
        `  ${result.config}`,
        `${source.location} is left as it was: keep it as a backup until the PostgreSQL install runs.`,
        "",
      ].join("\n"),
    );
  } finally {
    await copy?.close();
    await source.close();
  }
}

/** The target URL: postgres:// or postgresql:// naming a database. */
function postgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AimsError("invalid_input", `migrate-to needs a PostgreSQL URL, like ${EXAMPLE}`);
  }
  if (storeKindOf(url) !== "postgres" || parsed.pathname.length <= 1)
    throw new AimsError(
      "invalid_input",
      `migrate-to needs a PostgreSQL URL naming a database, like ${EXAMPLE}`,
    );
  return url;
}

/** `aims serve` writes its pid to the data dir while it runs: the store must stand still while it is copied. */
function refuseWhileServing(dataDir: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, "serve.pid"), "utf8").trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // gone: a stale pid file from a crash
  }
  throw new AimsError(
    "conflict",
    `aims serve is running (pid ${pid}): stop it (systemctl stop aims, or Ctrl-C), then migrate; start it again with the new databaseUrl`,
  );
}

function refuseUnfaithful(before: ChainVerdict, after: ChainVerdict): void {
  const same =
    before.ok && after.ok
      ? before.length === after.length && before.headHash === after.headHash
      : !before.ok && !after.ok && before.broken.seq === after.broken.seq;
  if (!same)
    throw new AimsError(
      "failed",
      "the copy's audit chain differs from the SQLite store's: the PostgreSQL database was left as copied; drop it and try again",
    );
}

/** The URL for config.yaml, its password (if any) shown as a placeholder: the command never prints a secret. */
function configUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "PASSWORD";
  return parsed.toString().replace(":PASSWORD@", ":<password>@");
}

/** The config file this command read (`--config`), or the data dir's. */
function configFile(cmd: Command, dataDir: string): string {
  return cmd.optsWithGlobals<GlobalOptions>().config ?? join(dataDir, "config.yaml");
}

function summary(rows: Record<string, number>): string {
  const pick = ["tenants", "users", "api_keys", "instances", "allocations", "events", "audit_entries"];
  const named = pick.filter((t) => t in rows).map((t) => `${rows[t]} ${t.replace("_", " ")}`);
  const others = Object.entries(rows)
    .filter(([t]) => !pick.includes(t))
    .reduce((n, [, count]) => n + count, 0);
  return `${named.join(", ")} and ${others} other row(s)`;
}

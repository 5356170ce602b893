import { accessSync, constants, mkdirSync, readFileSync, statfsSync } from "node:fs";
import type { Command } from "commander";
import { dataDirModeProblems } from "../../config/dataDir.js";
import type { AimsConfig } from "../../config.js";
import { createLogger } from "../../logger.js";
import { createFirewall, createRuntime } from "../../platform.js";
import { portPoolUsage } from "../../ports/portAllocator.js";
import { checkNginx } from "../../proxy/checkNginx.js";
import { openStore } from "../../store/database.js";
import { type DatabaseInspection, inspectDatabase } from "../../store/inspectDatabase.js";
import { type Check, runRemoteDoctor } from "../client/remoteDoctor.js";
import { configFrom } from "../context.js";
import { printJson } from "../output.js";

/** How many /size networks the pools hold. */
export function poolCapacity(pools: Array<{ base: string; size: number }>): number {
  return pools.reduce((n, p) => {
    const prefix = Number(p.base.split("/")[1] ?? 32);
    return n + (p.size >= prefix ? 2 ** (p.size - prefix) : 0);
  }, 0);
}

/** A note when the port range overlaps the kernel's ephemeral range without being reserved from it. */
export function ephemeralWarning(range: { min: number; max: number }): string {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low === undefined || high === undefined || range.max < low || range.min > high) return "";
    const reserved = readFileSync("/proc/sys/net/ipv4/ip_local_reserved_ports", "utf8").trim();
    const covered = reserved.split(",").some((part) => {
      const [a, b] = part.split("-").map(Number);
      return a !== undefined && a <= range.min && (b ?? a) >= range.max;
    });
    return covered
      ? ""
      : `; note: the range overlaps the ephemeral ports ${low}-${high}: reserve it with sysctl net.ipv4.ip_local_reserved_ports=${range.min}-${range.max}`;
  } catch {
    return "";
  }
}

/** Runs every check without throwing: one failing part never hides the others. */
export async function runDoctor(config: AimsConfig): Promise<Check[]> {
  const checks: Check[] = [];
  const driver = await createRuntime(config);
  try {
    const info = await driver.ping();
    checks.push({
      name: "engine",
      ok: true,
      detail: `Docker ${info.version} (API ${info.apiVersion}, ${info.storageDriver}) at ${config.dockerSocket}`,
    });
    const capacity = poolCapacity(info.addressPools);
    checks.push(
      info.addressPools.length
        ? {
            name: "address pools",
            ok: capacity >= 256,
            detail: `${capacity} instance networks fit (${info.addressPools.map((p) => `${p.base} split into /${p.size}`).join(", ")})${capacity >= 256 ? "" : "; add default-address-pools to /etc/docker/daemon.json"}`,
          }
        : {
            name: "address pools",
            ok: false,
            detail:
              "Docker's default pools fit only ~31 networks: set default-address-pools in /etc/docker/daemon.json (see docs/operations.md)",
          },
    );
  } catch (err) {
    checks.push({ name: "engine", ok: false, detail: (err as Error).message });
  }
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    accessSync(config.dataDir, constants.W_OK);
    const fs = statfsSync(config.dataDir);
    const freeGiB = (fs.bavail * fs.bsize) / 1024 ** 3;
    checks.push({
      name: "disk",
      ok: freeGiB >= 2,
      detail: `${freeGiB.toFixed(1)} GiB free in ${config.dataDir}${freeGiB >= 2 ? "" : " (below 2 GiB: images and volumes will not fit)"}`,
    });
  } catch (err) {
    checks.push({ name: "disk", ok: false, detail: `data dir ${config.dataDir}: ${(err as Error).message}` });
  }
  // Before the store is opened: opening it tightens the database's own files.
  checks.push(fileModesCheck(config.dataDir));
  checks.push(...(await storeChecks(config)));
  checks.push(await checkNginx(config));
  const firewall = await createFirewall(config, async () => driver, createLogger(config.logLevel)).report();
  checks.push({
    name: "firewall",
    ok: firewall.ok,
    ...(firewall.warning ? { warning: true } : {}),
    detail: firewall.detail,
  });
  return checks;
}

/** `aims doctor`: every check on this host (or the API's in remote mode); exit code 1 when one fails. */
export async function runDoctorCommand(cmd: Command, opts: { json?: boolean }): Promise<void> {
  const config = configFrom(cmd);
  const checks = config.remote ? await runRemoteDoctor(config.remote) : await runDoctor(config);
  if (opts.json) printJson(checks);
  else
    for (const c of checks)
      process.stdout.write(
        `${c.ok ? (c.warning ? "warn" : "ok  ") : "FAIL"}  ${c.name.padEnd(14)} ${c.detail}\n`,
      );
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

/**
 * The database: reachable, its server's version, and its migrations (inspected first: opening the store then
 * applies pending ones, as every command does); then the port pool, which the store holds.
 */
async function storeChecks(config: AimsConfig): Promise<Check[]> {
  const target = {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    defaultPlan: config.defaultPlan,
  };
  let inspection: DatabaseInspection;
  try {
    inspection = await inspectDatabase(target);
  } catch (err) {
    return [{ name: "store", ok: false, detail: (err as Error).message }];
  }
  const where = `${inspection.version} at ${inspection.location}`;
  if (inspection.unknown.length)
    return [
      {
        name: "store",
        ok: false,
        detail: `${where} was migrated by a newer AIMS (${inspection.unknown.join(", ")} unknown to this one): upgrade AIMS, or restore a backup`,
      },
    ];
  const checks: Check[] = [];
  try {
    const store = await openStore(target);
    try {
      const usage = await portPoolUsage(store.db, config.ports);
      const left = usage.total - usage.allocated;
      checks.push({
        name: "ports",
        ok: left > 0,
        detail: `${usage.allocated} of ${usage.total} ports allocated in ${config.ports.min}-${config.ports.max}, bound on ${config.bindAddress}`,
      });
      const pending = inspection.pending;
      const migrations =
        pending.length === 0
          ? `${inspection.applied} migrations, up to date`
          : inspection.applied === 0
            ? `created (${pending.length} migrations)`
            : `${pending.length} pending migration${pending.length === 1 ? "" : "s"} applied now (${pending.join(", ")})`;
      checks.push({
        name: "store",
        ok: true,
        detail: `${where}: ${migrations} (installation ${store.installationId})`,
      });
    } finally {
      await store.close();
    }
  } catch (err) {
    checks.push({ name: "store", ok: false, detail: `${where}: ${(err as Error).message}` });
  }
  return checks;
}

/** Whether other users can read the data dir or anything directly in it (the database, the keys). */
function fileModesCheck(dataDir: string): Check {
  try {
    const problems = dataDirModeProblems(dataDir);
    return problems.length
      ? { name: "file modes", ok: false, detail: `other users can read: ${problems.join("; ")}` }
      : { name: "file modes", ok: true, detail: `${dataDir} and its files are private (0700 / 0600)` };
  } catch (err) {
    return { name: "file modes", ok: false, detail: `data dir ${dataDir}: ${(err as Error).message}` };
  }
}

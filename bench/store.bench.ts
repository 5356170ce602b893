import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiServer, ensureOperatorKey } from "../src/api/server.js";
import { loadConfig } from "../src/config.js";
import { createPlatform, type Platform } from "../src/platform.js";
import type { StoreKind } from "../src/store/database.js";
import { createThrowawayRole, type ThrowawayRole } from "../test/support/postgresRole.js";
import { AWAIT_GO, raceProcesses } from "../test/support/raceProcesses.js";
import { call, timed } from "./httpCalls.js";
import { seedReadyInstances } from "./platformFixture.js";
import { percentile } from "./stats.js";
import { summarizeTimings } from "./summary.js";

const modules = {
  database: fileURLToPath(new URL("../src/store/database.ts", import.meta.url)),
  audit: fileURLToPath(new URL("../src/store/auditLog.ts", import.meta.url)),
};

const row = (label: string, values: number[]) =>
  `${label.padEnd(58)} p50 ${percentile(values, 50).toFixed(2).padStart(8)} ms  p99 ${percentile(values, 99).toFixed(2).padStart(8)} ms  n=${values.length}`;

/** 1,000 instance rows in 10 tenants, written straight to the store. */
async function seed(p: Platform, instances: number): Promise<void> {
  await seedReadyInstances(p, {
    tenants: Array.from({ length: 10 }, (_, t) => `bench-${t}`),
    instances,
    plan: "sovereign",
  });
}

/** `writers` concurrent appenders in `processes` processes, `each` entries apiece: entries per second. */
async function auditThroughput(
  config: { databaseUrl: string; dataDir: string },
  processes: number,
  writers: number,
  each: number,
): Promise<number> {
  const perProcess = writers / processes;
  const code = (who: number) => `
    const { openStore, withTransaction } = await import(${JSON.stringify(modules.database)});
    const { appendAudit } = await import(${JSON.stringify(modules.audit)});
    const store = await openStore(${JSON.stringify(config)});
    ${AWAIT_GO}
    const start = Date.now();
    await Promise.all(Array.from({ length: ${perProcess} }, async (_, w) => {
      for (let n = 0; n < ${each}; n++)
        await withTransaction(store.db, (trx) => appendAudit(trx, {
          actor: "bench:${who}-" + w, action: "bench.append", target: "bench", source: "bench", result: "ok", data: { n },
        }));
    }));
    console.log(JSON.stringify({ start, end: Date.now() }));
    await store.close();
  `;
  const outputs = await raceProcesses(Array.from({ length: processes }, (_, who) => code(who)));
  const spans = outputs.map((o) => JSON.parse(o.trim()) as { start: number; end: number });
  const seconds = (Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))) / 1000;
  return (writers * each) / seconds;
}

async function benchOne(
  kind: StoreKind,
  role: ThrowawayRole,
  instances: number,
  requests: number,
): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), `aims-bench-store-${kind}-`));
  let databaseUrl = `sqlite://${join(dataDir, "aims.db")}`;
  if (kind === "postgres") {
    const name = `${role.role}_${kind}`;
    await role.query(`create database ${name}`);
    databaseUrl = role.urlOf(name);
  }
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      databaseUrl,
      ports: { min: 55100, max: 55199 },
      logLevel: "silent",
      proxy: { enabled: false },
    },
  });
  const p = await createPlatform(config);
  const label = kind === "sqlite" ? "SQLite" : "PostgreSQL";
  const out: string[] = [];
  try {
    const key = readFileSync((await ensureOperatorKey(p)).path, "utf8").trim();
    await seed(p, instances);
    const app = await createApiServer(p);
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    await timed(50, () => call(base, "GET", "/v1/instances", key));
    const page = await timed(requests, () => call(base, "GET", "/v1/instances", key));
    summarizeTimings(`${label}: GET /v1/instances (${instances} stored, page 50)`, page);
    out.push(row(`${label}: GET /v1/instances (${instances} in store, page 50)`, page));
    out.push(
      row(
        `${label}: GET /v1/instances?limit=200`,
        await timed(requests, () => call(base, "GET", "/v1/instances?limit=200", key)),
      ),
    );
    out.push(
      row(
        `${label}: GET /v1/tenants/{t}/instances/{name}`,
        await timed(requests, (i) =>
          call(base, "GET", `/v1/tenants/bench-${i % 10}/instances/inst-${i % instances}`, key),
        ),
      ),
    );
    out.push(
      row(
        `${label}: POST /v1/tenants (row + event + audit entry)`,
        await timed(Math.min(200, requests), (i) =>
          call(base, "POST", "/v1/tenants", key, { name: `made-${i}` }),
        ),
      ),
    );
    await app.close();
  } finally {
    await p.close();
  }
  const rate = await auditThroughput({ databaseUrl, dataDir }, 5, 50, 20);
  out.push(
    `${`${label}: audit appends, 50 writers in 5 processes`.padEnd(58)} ${rate.toFixed(0).padStart(8)} entries/s`,
  );
  rmSync(dataDir, { recursive: true, force: true });
  return out;
}

/**
 * Store benchmark (`BENCH_ONLY=store`): the API's p50/p99 with 1,000 instances on SQLite and on PostgreSQL
 * (a throw-away role and database on the local server), and audit-append throughput with 50 concurrent writers
 * in five processes on each (every append reads the chain head and extends it under the store's write lock).
 */
export async function benchStore(options: { instances?: number; requests?: number } = {}): Promise<string[]> {
  const instances = options.instances ?? 1000;
  const requests = options.requests ?? 500;
  const role = await createThrowawayRole("aims_bench");
  try {
    return [
      ...(await benchOne("sqlite", role, instances, requests)),
      ...(await benchOne("postgres", role, instances, requests)),
    ];
  } finally {
    await role.drop();
  }
}

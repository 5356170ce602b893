import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../src/config.js";
import { newSpec } from "../src/domain/instanceSpec.js";
import { newId } from "../src/domain/names.js";
import { createPlatform } from "../src/platform.js";
import { withTransaction } from "../src/store/database.js";
import { insertTenant } from "../src/store/tenantRepository.js";
import { readyInstanceRow } from "./platformFixture.js";
import { line, median } from "./stats.js";
import { summarizeTimings } from "./summary.js";

/** What a person runs: bin/aims.js, which loads the compiled CLI (`npm run bench` builds it first). */
const AIMS = resolve(import.meta.dirname, "../bin/aims.js");

/** The commands measured, each against `node -e 0` in the same rounds; the store holds 10 instances. */
const COMMANDS: Array<{ label: string; args: string[] }> = [
  { label: "aims --version", args: ["--version"] },
  { label: "aims --help", args: ["--help"] },
  { label: "aims ps", args: ["ps"] },
  { label: "aims ps --json", args: ["ps", "--json"] },
  { label: "aims catalog list", args: ["catalog", "list"] },
  { label: "aims doctor", args: ["doctor"] },
];

/** 10 ready instances of static-site in 2 tenants, each with a port, written straight to the store. */
async function seed(dataDir: string): Promise<void> {
  const p = await createPlatform(
    loadConfig({ env: {}, overrides: { dataDir, logLevel: "silent", proxy: { enabled: false } } }),
  );
  try {
    const entry = p.catalog.get("static-site");
    const spec = JSON.stringify(newSpec(entry, {}, p.plans.defaultPlan.defaultResources));
    await withTransaction(p.store.db, async (trx) => {
      const tenants = [
        await insertTenant(trx, { name: "bench-a", plan: "team" }),
        await insertTenant(trx, { name: "bench-b", plan: "team" }),
      ];
      for (let i = 0; i < 10; i++) {
        const now = new Date().toISOString();
        const id = newId();
        await trx
          .insertInto("instances")
          .values(
            readyInstanceRow({
              id: id,
              tenant_id: tenants[i % 2]!.id,
              name: `site-${i}`,
              plug_id: entry.plug.id,
              plug_version: entry.plug.version,
              spec,
            }),
          )
          .execute();
        await trx
          .insertInto("allocations")
          .values({
            port: 57000 + i,
            instance_id: id,
            service: "web",
            port_name: "http",
            replica: 0,
            created_at: now,
          })
          .execute();
      }
    });
  } finally {
    await p.close();
  }
}

/** Wall time (ms) of one process from spawn to exit; a non-zero exit (doctor on a host without nginx) still counts. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    execFile(process.execPath, args, { env }, (err) => {
      const ms = performance.now() - t0;
      if (err && typeof err.code !== "number") fail(err);
      else done(ms);
    });
  });
}

/**
 * CLI start-up: wall time of each command (compiled, as `aims` runs) versus a bare `node -e 0`, measured
 * in interleaved rounds so drift on the host affects every command alike. `runs` rounds (at least 10).
 * `compare`: another build's bin/aims.js (a release, an older commit checked out elsewhere), timed in the
 * same rounds; its rows are marked "(compare)".
 */
export async function benchCliStartup(runs = 15, compare?: string): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "aims-bench-cli-"));
  try {
    await seed(dataDir);
    const env = {
      ...process.env,
      AIMS_DATA_DIR: dataDir,
      AIMS_PORT_RANGE: "57000-57999",
      AIMS_LOG_LEVEL: "silent",
      AIMS_URL: "",
      AIMS_API_KEY: "",
    };
    const builds = [
      { bin: AIMS, mark: "" },
      ...(compare ? [{ bin: resolve(compare), mark: " (compare)" }] : []),
    ];
    const cases = COMMANDS.flatMap((c) =>
      builds.map((b) => ({ label: c.label + b.mark, args: [b.bin, ...c.args] })),
    );
    const baseline: number[] = [];
    const times = cases.map(() => [] as number[]);
    // One untimed round first: the page cache holds every file before anything is measured.
    for (const c of cases) await timeProcess(c.args, env);
    for (let round = 0; round < Math.max(10, runs); round++) {
      baseline.push(await timeProcess(["-e", "0"], env));
      for (const [i, c] of cases.entries()) times[i]!.push(await timeProcess(c.args, env));
    }
    const base = median(baseline);
    const goals: Record<string, string> = { "aims --version": "≤ +80 ms", "aims ps": "≤ +200 ms" };
    for (const [i, c] of cases.entries())
      summarizeTimings(
        `start-up: ${c.label}`,
        times[i]!,
        { label: "node -e 0", values: baseline, difference: true },
        goals[c.label],
      );
    return [
      line("node -e 0 (baseline)", baseline, baseline),
      ...cases.map(
        (c, i) => `${line(c.label, times[i]!, baseline)}  +${(median(times[i]!) - base).toFixed(0)} ms`,
      ),
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Alone: `npx tsx bench/cliStartup.bench.ts` (after `npm run build`); BENCH_CLI_COMPARE=<other bin/aims.js>.
if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  const rows = await benchCliStartup(Number(process.env.BENCH_CLI_RUNS ?? 15), process.env.BENCH_CLI_COMPARE);
  for (const row of rows) console.log(row);
}

import pLimit from "p-limit";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { reconcileAll } from "../src/lifecycle/reconcileAll.js";
import { benchActor, benchPlatform, quiet } from "./platformFixture.js";
import { measureServe } from "./serveProcess.js";
import { line } from "./stats.js";
import { summarize, summarizeTimings } from "./summary.js";

/** Reconcile tick duration with 10, 100 and `max` running instances; control-plane RSS idle and at 100 instances. */
export async function benchReconcile(
  max: number,
  print: (line: string) => void = () => {},
): Promise<string[]> {
  const ports = { min: 56000, max: 56999 };
  const { p, config, dispose } = await benchPlatform(ports);
  const out: string[] = [];
  // Rows are printed as they are measured: tearing down 500 networks afterwards takes minutes.
  const emit = (row: string) => {
    out.push(row);
    print(row);
  };
  emit("reconcile tick, steady state (static-site instances; one engine list call per tick)");
  const portEnv = `${ports.min}-${ports.max}`;
  try {
    // Each read for 12 s: two ticks and a sample pass. Default node flags, then those of the systemd unit.
    const rss = async (nodeFlags: string[] = []) =>
      (await measureServe(config.dataDir, portEnv, { settleMs: 12_000, nodeFlags })).rss;
    const semi = ["--max-semi-space-size=2"];
    const both = async () => ({ plain: await rss(), semi: await rss(semi) });
    const said = (m: { plain: number; semi: number }) =>
      `${m.plain.toFixed(0)} MiB (${m.semi.toFixed(0)} MiB with ${semi[0]})`;
    const idle = await both();
    let deployed = 0;
    const limit = pLimit(4);
    for (const target of [10, 100, max].filter((n, i, a) => a.indexOf(n) === i && n <= max)) {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: target - deployed }, (_, k) =>
          limit(() =>
            deployInstance(
              p,
              { plug: "static-site", tenant: `t${(deployed + k) % 10}`, name: `i${deployed + k}` },
              benchActor,
              quiet,
            ),
          ),
        ),
      );
      const spinUp = (performance.now() - started) / 1000;
      deployed = target;
      const ticks: number[] = [];
      for (let i = 0; i < 10; i++) {
        const report = await reconcileAll(await p.reconciler(), quiet, { mode: "once" });
        if (report.acted.length) throw new Error(`steady state expected, but: ${report.acted.join("; ")}`);
        ticks.push(report.durationMs);
      }
      summarizeTimings(
        `reconcile tick, ${target} ready instances`,
        ticks,
        undefined,
        target === max ? "< 100 ms at 500" : undefined,
      );
      emit(`${line(`  ${target} instances`, ticks)}  (deployed ${target} in ${spinUp.toFixed(1)} s total)`);
      if (target === 100) {
        const at100 = await both();
        summarize({
          figure: "RSS: aims serve with 100 running instances (as the service runs it)",
          measured: `${at100.semi.toFixed(0)} MiB (${at100.plain.toFixed(0)} MiB without ${semi[0]})`,
          baseline: `idle, same store: ${idle.semi.toFixed(0)} MiB`,
          ratio: `+${(at100.semi - idle.semi).toFixed(0)} MiB`,
        });
        emit(`  control-plane RSS (aims serve): idle ${said(idle)}, at 100 instances ${said(at100)}`);
      }
    }
  } finally {
    await dispose();
  }
  return out;
}

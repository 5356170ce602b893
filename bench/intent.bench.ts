import { resolve } from "node:path";
import { interpret } from "../src/ai/intent/interpret.js";
import {
  CORPUS_DIR,
  contextOf,
  evaluateCorpus,
  intentCatalog,
  loadCorpus,
} from "../test/acheevy/evaluate.js";
import { median, percentile } from "./stats.js";
import { summarize, summarizeTimings } from "./summary.js";

/** The corpora the engine is measured on; the held-back one reports its accuracy only. */
const CORPORA = ["train.yaml", "heldback.yaml"];

/**
 * ACHEEVY's intent engine: latency per utterance (p50/p99 over `rounds` passes of both corpora, after one
 * warm-up pass that builds the catalog index) and accuracy on each corpus. For heldback.yaml only the
 * aggregate is printed: no case of it is shown, so nobody tunes the engine on it.
 */
export async function benchIntent(rounds = 20): Promise<string[]> {
  const catalog = intentCatalog();
  const cases = CORPORA.flatMap((file) => loadCorpus(resolve(CORPUS_DIR, file)));
  const prepared = cases.map((c) => ({ say: c.say, context: contextOf(c, catalog) }));
  for (const { say, context } of prepared) interpret(say, context);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++)
    for (const { say, context } of prepared) {
      const used = process.cpuUsage();
      const start = process.hrtime.bigint();
      interpret(say, context);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      const spent = process.cpuUsage(used);
      cpu.push((spent.user + spent.system) / 1000);
    }
  // Wall time includes whatever else the machine runs; CPU time is the engine's own work.
  const rows = [
    `intent engine per utterance (wall) p50 ${median(times).toFixed(3)} ms  p99 ${percentile(times, 99).toFixed(3)} ms  max ${Math.max(...times).toFixed(3)} ms  n=${times.length}`,
    `intent engine per utterance (cpu)  p50 ${median(cpu).toFixed(3)} ms  p99 ${percentile(cpu, 99).toFixed(3)} ms  max ${Math.max(...cpu).toFixed(3)} ms`,
  ];
  summarizeTimings("ACHEEVY intent engine per utterance (wall)", times);
  for (const file of CORPORA) {
    const score = evaluateCorpus(resolve(CORPUS_DIR, file), interpret);
    summarize({
      figure: `ACHEEVY intent accuracy, ${file}`,
      measured: `${score.passed}/${score.total} = ${(score.accuracy * 100).toFixed(1)}%`,
      baseline: "—",
      ratio: "—",
    });
    rows.push(
      `intent accuracy ${file.padEnd(18)} ${score.passed}/${score.total} = ${(score.accuracy * 100).toFixed(1)}%`,
    );
  }
  return rows;
}

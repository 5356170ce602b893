// Loaded into a benchmarked process with `node --expose-gc --import <this file>` (bench/serveProcess.ts): on
// SIGUSR2 it runs a full GC and writes the V8 heap figures to AIMS_BENCH_PROBE_OUT. Nothing else: the
// process's resident memory is read from /proc before the signal, so the GC here does not flatter it.
import { writeFileSync } from "node:fs";

process.on("SIGUSR2", () => {
  globalThis.gc?.();
  const { heapUsed, heapTotal, external } = process.memoryUsage();
  writeFileSync(process.env.AIMS_BENCH_PROBE_OUT, JSON.stringify({ heapUsed, heapTotal, external }));
});

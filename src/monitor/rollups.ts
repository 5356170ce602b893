import type { AimsConfig } from "../config.js";
import { HOUR_MS, MINUTE_MS, rollUp } from "../domain/resourceSamples.js";
import type { Executor } from "../store/database.js";
import {
  newestSampleAt,
  pruneSamples,
  samplesBetween,
  upsertSamples,
} from "../store/resourceSampleRepository.js";
import type { SampleResolution } from "../store/schema.js";

/** Where each rollup stands: buckets before `next` are done. */
export interface RollupMarks {
  "1m"?: number;
  "1h"?: number;
}

const LEVELS: ReadonlyArray<{ to: SampleResolution; from: SampleResolution; bucketMs: number }> = [
  { to: "1m", from: "raw", bucketMs: MINUTE_MS },
  { to: "1h", from: "1m", bucketMs: HOUR_MS },
];

/**
 * Folds every bucket that has ended into its rollup (raw → 1 minute → 1 hour), then prunes each resolution past
 * its retention. Only ended buckets are folded, each once: a pass reads the last minute's raw rows, not the hour's.
 * `marks` carries the progress between calls; on the first call it starts after the newest rollup in the store.
 */
export async function maintainRollups(
  ex: Executor,
  monitor: AimsConfig["monitor"],
  now: number,
  marks: RollupMarks,
): Promise<void> {
  for (const level of LEVELS) {
    const ended = Math.floor(now / level.bucketMs) * level.bucketMs;
    let next = marks[level.to as "1m" | "1h"];
    if (next === undefined) {
      const newest = await newestSampleAt(ex, level.to);
      next = newest === undefined ? ended - level.bucketMs : newest + level.bucketMs;
    }
    if (next < ended) {
      const rows = await samplesBetween(ex, level.from, next, ended);
      const rolled = rollUp(rows, level.bucketMs).map((r) => ({ ...r, resolution: level.to }));
      await upsertSamples(ex, rolled);
      next = ended;
    }
    marks[level.to as "1m" | "1h"] = next;
  }
  await pruneSamples(ex, "raw", now - monitor.rawRetentionMs);
  await pruneSamples(ex, "1m", now - monitor.minuteRetentionMs);
  await pruneSamples(ex, "1h", now - monitor.hourRetentionMs);
}

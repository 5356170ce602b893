import { median, percentile } from "./stats.js";

/** One row of the table `npm run bench` ends with: a figure, what it was measured against, and the goal if any. */
export interface Figure {
  figure: string;
  /** What was measured: a median and p95 for timings (`timings`), or a single value. */
  measured: string;
  /** The baseline measured in the same run, or "—" when the figure is absolute (memory, a rate). */
  baseline: string;
  /** Measured over baseline (`1.23×`, `+42 ms`), or "—". */
  ratio: string;
  /** The goal for this figure, when it has one. */
  goal?: string;
}

const figures: Figure[] = [];

/** Adds a row to the closing table. */
export function summarize(figure: Figure): void {
  figures.push(figure);
}

const ms = (v: number) => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;

/** "median 411 ms, p95 480 ms (n=10)". */
export const medianP95 = (values: number[]) =>
  `median ${ms(median(values))}, p95 ${ms(percentile(values, 95))} (n=${values.length})`;

/**
 * A timing row: median and p95 of `values` against the baseline's, the ratio of the medians (or, with
 * `difference`, how much longer the median is: start-up is "bare node + N ms").
 */
export function summarizeTimings(
  figure: string,
  values: number[],
  baseline?: { label: string; values: number[]; difference?: boolean },
  goal?: string,
): void {
  const ratio = !baseline
    ? "—"
    : baseline.difference
      ? `+${(median(values) - median(baseline.values)).toFixed(0)} ms`
      : `${(median(values) / median(baseline.values)).toFixed(2)}×`;
  summarize({
    figure,
    measured: medianP95(values),
    baseline: baseline ? `${baseline.label}: ${medianP95(baseline.values)}` : "—",
    ratio,
    ...(goal ? { goal } : {}),
  });
}

/** The closing table, as Markdown, in the order the figures were measured. */
export function summaryTable(): string[] {
  if (!figures.length) return [];
  const goals = figures.some((f) => f.goal);
  const cells = (f: Figure) => [f.figure, f.measured, f.baseline, f.ratio, ...(goals ? [f.goal ?? ""] : [])];
  const head = ["figure", "measured", "baseline, same run", "ratio", ...(goals ? ["goal"] : [])];
  const row = (c: string[]) => `| ${c.join(" | ")} |`;
  return [
    "",
    "Summary (every figure against its baseline from this run)",
    "",
    row(head),
    row(head.map(() => "---")),
    ...figures.map((f) => row(cells(f))),
  ];
}

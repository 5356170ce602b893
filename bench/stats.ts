/** Median of a sample (ms). */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of a sample. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** One result line: median, p95 and ratio to a baseline median. */
export function line(label: string, values: number[], baseline?: number[]): string {
  const m = median(values);
  const ratio = baseline ? `  ratio ${(m / median(baseline)).toFixed(2)}x` : "";
  return `${label.padEnd(34)} median ${m.toFixed(0).padStart(6)} ms  p95 ${percentile(values, 95).toFixed(0).padStart(6)} ms  n=${values.length}${ratio}`;
}

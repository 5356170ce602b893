/** Quantities the way refusals say them to a person: `1.5g`, `512m`, `2 CPUs`, `1 replica`. */

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Trims a number to at most `digits` decimals: 1.50 → "1.5", 2.00 → "2". */
function trimmed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/**
 * Memory rounded for reading: gigabytes to one decimal from 1g, else whole megabytes (or kilobytes).
 * @example formatSize(1.5 * 1024 ** 3) // "1.5g"
 */
export function formatSize(bytes: number): string {
  if (bytes >= GiB) return `${trimmed(bytes / GiB, 1)}g`;
  if (bytes >= MiB) return `${trimmed(bytes / MiB, 0)}m`;
  if (bytes >= 1024) return `${trimmed(bytes / 1024, 0)}k`;
  return `${bytes}b`;
}

/** `1 CPU`, `0.5 CPU`, `2 CPUs`. */
export function formatCpus(cores: number): string {
  return `${trimmed(cores, 2)} ${cores > 1 ? "CPUs" : "CPU"}`;
}

/** `1 instance`, `3 instances`: `noun` and its plural (an `s` added unless given). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

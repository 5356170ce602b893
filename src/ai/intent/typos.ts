/**
 * How far a typed word may be from a name and still be that name: letters swapped, dropped, doubled or
 * mistyped count one edit each (Damerau-Levenshtein). Two letters must be exact; three allow one edit
 * ("wbe" → web), which is why only words no vocabulary knows are read as typos.
 */
export function allowedEdits(length: number): number {
  if (length <= 2) return 0;
  if (length === 3) return 1;
  if (length <= 6) return 1;
  return 2;
}

/**
 * Edits between two words (the optimal string alignment form of Damerau-Levenshtein: insert, delete,
 * substitute, swap two neighbours). Three rows of a small typed array: words here are a few letters long and
 * this runs thousands of times a second, so nothing is allocated per cell.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const n = b.length;
  let before = new Uint16Array(n + 1);
  let previous = new Uint16Array(n + 1);
  let current = new Uint16Array(n + 1);
  for (let j = 0; j <= n; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[n]!;
}

/** True when `typed` is `name` or a plausible typo of it (same first letter or a swap of the first two). */
export function isTypoOf(typed: string, name: string): boolean {
  if (typed === name) return true;
  const allowed = allowedEdits(Math.min(typed.length, name.length));
  if (allowed === 0 || Math.abs(typed.length - name.length) > allowed) return false;
  if (typed[0] !== name[0] && !(typed[0] === name[1] && typed[1] === name[0])) return false;
  return editDistance(typed, name) <= allowed;
}

/**
 * The names `typed` may mean, nearest first: exact matches alone when there is one, else the typos at the
 * smallest distance.
 */
export function nearestNames(typed: string, names: readonly string[]): string[] {
  if (names.includes(typed)) return [typed];
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const name of names) {
    if (!isTypoOf(typed, name)) continue;
    const distance = editDistance(typed, name);
    if (distance < best) {
      best = distance;
      found = [name];
    } else if (distance === best) found.push(name);
  }
  return found;
}

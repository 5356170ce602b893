import damerauLevenshtein from "damerau-levenshtein";

/**
 * How far a typed word may be from a name and still be that name: letters swapped, dropped, doubled or
 * mistyped count one edit each (Damerau-Levenshtein). Short words must be exact: `db` is not `dbs`'s typo of
 * `de`, and three letters leave no room for a guess.
 */
export function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 6) return 1;
  return 2;
}

/** Edits between two words. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  return damerauLevenshtein(a, b).steps;
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

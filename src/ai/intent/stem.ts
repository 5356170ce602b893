/**
 * A light English stemmer for matching a request's words with the catalog's: plural and verb endings off
 * ("websites" → "website", "monitoring" → "monitor", "crashed" → "crash"). Words of four letters or fewer
 * stay as they are ("redis", "logs" are names, not plurals to guess at).
 */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 5) return `${word.slice(0, -3)}y`;
  if (word.endsWith("ing") && word.length > 6) return undouble(word.slice(0, -3));
  if (word.endsWith("ed") && word.length > 5) return undouble(word.slice(0, -2));
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}

/** "scann" → "scan", "stopp" → "stop": the doubled consonant an ending leaves. */
function undouble(word: string): string {
  return /([bdgklmnprt])\1$/.test(word) ? word.slice(0, -1) : word;
}

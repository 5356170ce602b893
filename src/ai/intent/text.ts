/**
 * What a person typed, made comparable: lower case, plain letters, contractions spelt out, and split into
 * words. Host names (`shop.example.com`), sizes (`1.5gb`), plug ids (`n8n`, `notes-api`) stay one word.
 */

const CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bwon't\b/gi, "will not"],
  [/\bcan't\b/gi, "can not"],
  [/\bcannot\b/gi, "can not"],
  [/\blet's\b/gi, "let us"],
  [/\b(it|that|what|where|who|how|there|here|he|she)'s\b/gi, "$1 is"],
  [/n't\b/gi, " not"],
  [/'re\b/gi, " are"],
  [/'ll\b/gi, " will"],
  [/'ve\b/gi, " have"],
  [/'d\b/gi, " would"],
  [/\bi'm\b/gi, "i am"],
  // A possessive ("web's logs") reads as the name itself.
  [/'s\b/gi, ""],
  [/\bwhats\b/gi, "what is"],
  [/\bhows\b/gi, "how is"],
  [/\bwheres\b/gi, "where is"],
  [/\bthats\b/gi, "that is"],
  [/\bdont\b/gi, "do not"],
  [/\bdoesnt\b/gi, "does not"],
  [/\bisnt\b/gi, "is not"],
  [/\bcant\b/gi, "can not"],
  [/\bim\b/gi, "i am"],
];

/**
 * Accents and typographic quotes made plain, contractions spelt out, emoji and spaces collapsed; capitals
 * kept (a title or a time zone is given as typed). `normalize` is the same text in lower case.
 */
export function normalizeKeepingCase(utterance: string): string {
  let text = utterance
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2014\u2013]/g, " - ")
    .replace(/[^\x00-\x7f]/g, " ");
  for (const [pattern, replacement] of CONTRACTIONS) text = text.replace(pattern, replacement);
  return text.replace(/\s+/g, " ").trim();
}

/** `normalizeKeepingCase` in lower case. */
export function normalize(utterance: string): string {
  return normalizeKeepingCase(utterance).toLowerCase();
}

/** The words of normalized text: letters, digits, and `.`, `-`, `_` or `/` inside a word. */
export function words(text: string): string[] {
  return (text.match(/[a-z0-9]+(?:[._/-][a-z0-9]+)*/g) ?? []).map((word) => word.replace(/\.+$/, ""));
}

/** Words that carry no meaning of their own in a request. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "instead actually a an the my our your his her its their this that these those it them me us i we you he she they " +
    "is are was were be been being am do does did doing done have has had having will would can could should " +
    "shall may might must to of in on at for from by with into onto about as up down out off over under " +
    "and or but then so if than too very just also please pls plz kindly now right quick quickly asap " +
    "hey hi hello yo ok okay thanks thank cheers some any all one ones thing stuff there here what which who " +
    "how why when where instance instances app apps service services container containers thingy called named " +
    "new fresh another one's let lets us go again want wanna need needs like would love get got gimme give " +
    "make let's set sure really actually currently show see more tell look display not no yes yeah just only"
  ).split(" "),
);

/** True for a word that is a number written in digits. */
export function isNumeric(word: string): boolean {
  return /^\d+(\.\d+)?$/.test(word);
}

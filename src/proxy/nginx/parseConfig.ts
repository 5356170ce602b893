import type { Directive } from "./directives.js";

/**
 * Parses nginx configuration text into its directive tree, following nginx's own tokenizer
 * (ngx_conf_read_token): words end at whitespace, `;` or `{`; quotes open only at a word's start;
 * a backslash escapes the next character and `\"`, `\'`, `\\` become that character; `#` at a word's
 * start begins a comment. Used to prove that a rendered file holds exactly the directives meant (no
 * value can smuggle in another). The npm parsers looked at (nginx-conf, @webantic/nginx-config-parser)
 * keep arguments as one raw string and misread escapes, so they cannot prove that.
 * Throws an Error naming the line on malformed input.
 */
export function parseConfig(text: string): Directive[] {
  const root: Directive[] = [];
  const stack: Directive[][] = [root];
  let words: string[] = [];
  let line = 1;
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(`line ${line}: ${message}`);
  };
  const finish = (opensBlock: boolean) => {
    const [name, ...args] = words;
    if (name === undefined) fail(opensBlock ? 'unexpected "{"' : 'unexpected ";"');
    const d: Directive = { name: name!, args };
    if (opensBlock) d.block = [];
    stack[stack.length - 1]!.push(d);
    if (d.block) stack.push(d.block);
    words = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\n") line++;
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
      i++;
      continue;
    }
    if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (ch === ";") {
      finish(false);
      i++;
      continue;
    }
    if (ch === "{") {
      finish(true);
      i++;
      continue;
    }
    if (ch === "}") {
      if (words.length) fail('unexpected "}"');
      if (stack.length === 1) fail('unexpected "}"');
      stack.pop();
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let raw = "";
      for (;;) {
        if (j >= text.length) fail("unterminated quoted string");
        const c = text[j]!;
        if (c === "\n") line++;
        if (c === "\\" && j + 1 < text.length) {
          raw += c + text[j + 1]!;
          j += 2;
          continue;
        }
        if (c === ch) break;
        raw += c;
        j++;
      }
      const after = text[j + 1];
      if (after !== undefined && !/[\s;{]/.test(after)) fail(`unexpected "${after}" after a quoted string`);
      words.push(unescapeToken(raw));
      i = j + 1;
      continue;
    }
    let j = i;
    let raw = "";
    while (j < text.length) {
      const c = text[j]!;
      if (c === "\\" && j + 1 < text.length) {
        raw += c + text[j + 1]!;
        j += 2;
        continue;
      }
      if (/[\s;{]/.test(c)) break;
      raw += c;
      j++;
    }
    words.push(unescapeToken(raw));
    i = j;
  }
  if (words.length) fail("unexpected end of file: a directive has no ;");
  if (stack.length !== 1) fail('unexpected end of file: a block has no "}"');
  return root;
}

/** nginx's unescaping of a token: `\"`, `\'`, `\\` → the character; `\t`, `\r`, `\n` → control characters. */
function unescapeToken(raw: string): string {
  let out = "";
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k]!;
    const next = raw[k + 1];
    if (c === "\\" && next !== undefined) {
      if (next === '"' || next === "'" || next === "\\") {
        out += next;
        k++;
        continue;
      }
      if (next === "t" || next === "r" || next === "n") {
        out += next === "t" ? "\t" : next === "r" ? "\r" : "\n";
        k++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

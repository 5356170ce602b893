/**
 * Compose variable interpolation, read into parts: `$$` is a literal `$`; `${VAR}` and `$VAR` a variable;
 * `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset) give a default; `${VAR:?message}` and
 * `${VAR?message}` make it required. Pure: what a variable becomes (an input, a secret, its default) is
 * decided by the translator.
 */

/** How a variable reference treats an unset value. */
export type VariableRule =
  | { kind: "plain" }
  | { kind: "default"; value: string; whenEmpty: boolean }
  | { kind: "required"; message: string }
  | { kind: "alternative"; value: string };

/** One piece of an interpolated string. */
export type Part = { text: string } | { variable: string; rule: VariableRule };

/** A compose variable name as `$VAR` / `${VAR}` spell it. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Splits `value` into literal text and variable references, or returns the problem sentence.
 * @example interpolationParts("postgres://${DB_USER:-app}@db") // [{text:"postgres://"}, {variable:"DB_USER", ...}, {text:"@db"}]
 */
export function interpolationParts(value: string): Part[] | string {
  const parts: Part[] = [];
  let text = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c !== "$") {
      text += c;
      i++;
      continue;
    }
    const next = value[i + 1];
    if (next === "$") {
      text += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const end = closingBrace(value, i + 2);
      if (end < 0) return `\`${value.slice(i, i + 40)}\` has no closing brace`;
      const ref = parseBraced(value.slice(i + 2, end));
      if (typeof ref === "string") return ref;
      if (text) parts.push({ text });
      text = "";
      parts.push(ref);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(value.slice(i + 1))?.[0];
    if (!name) {
      // A lone `$` (`cost: 5$`) is kept, as Compose keeps it.
      text += "$";
      i++;
      continue;
    }
    if (text) parts.push({ text });
    text = "";
    parts.push({ variable: name, rule: { kind: "plain" } });
    i += 1 + name.length;
  }
  if (text) parts.push({ text });
  return parts;
}

/** Index of the `}` closing the `${` whose body starts at `from` (nested `${...}` in a default included). */
function closingBrace(value: string, from: number): number {
  let depth = 1;
  for (let i = from; i < value.length; i++) {
    if (value[i] === "$" && value[i + 1] === "{") {
      depth++;
      i++;
    } else if (value[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function parseBraced(body: string): Part | string {
  const name = NAME.exec(body)?.[0];
  if (!name) return `\`\${${body.slice(0, 40)}}\` does not start with a variable name`;
  const rest = body.slice(name.length);
  if (!rest) return { variable: name, rule: { kind: "plain" } };
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) return `\`\${${body.slice(0, 40)}}\` is not \${VAR}, \${VAR:-default} or \${VAR:?message}`;
  const arg = rest.slice(op.length);
  // A default may itself hold variables (`${A:-${B:-x}}`); only plain text is taken as one.
  if (arg.includes("${") || /\$[A-Za-z_]/.test(arg.replace(/\$\$/g, "")))
    return `\`\${${body.slice(0, 40)}}\`: a default or message that holds another variable is not supported`;
  const literal = arg.replace(/\$\$/g, "$");
  if (op === ":-" || op === "-")
    return { variable: name, rule: { kind: "default", value: literal, whenEmpty: op === ":-" } };
  if (op === ":?" || op === "?")
    return { variable: name, rule: { kind: "required", message: literal || `${name} is required` } };
  return { variable: name, rule: { kind: "alternative", value: literal } };
}

/** True when the string holds a variable reference (not only `$$`). */
export function hasVariables(parts: Part[]): boolean {
  return parts.some((p) => "variable" in p);
}

/**
 * Whether a variable names a secret: its last word (split on `_`) is PASSWORD, SECRET, TOKEN, or KEY after an
 * underscore. `DB_PASSWORD`, `API_KEY`, `JWT_SECRET` are; `KEYCLOAK_URL`, `MONKEY`, `TOKEN_URL` are not.
 */
export function isSecretName(name: string): boolean {
  return /(^|_)(PASSWORD|SECRET|TOKEN)$/i.test(name) || /_KEY$/i.test(name);
}

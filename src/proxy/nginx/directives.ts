/** One nginx directive: its name, its arguments, and the block of directives it opens, when it opens one. */
export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** A directive without a block: `directive("listen", "127.0.0.1:8080")`. */
export function directive(name: string, ...args: Array<string | number>): Directive {
  return { name, args: args.map(String) };
}

/** A directive that opens a block: `block("location", ["/"], [...])`. */
export function block(name: string, args: Array<string | number>, children: Directive[]): Directive {
  return { name, args: args.map(String), block: children };
}

/** Arguments made only of these characters need no quotes; anything else is double-quoted and escaped. */
const BARE = /^[A-Za-z0-9_./:@=+,~^*$[\]-]+$/;

/**
 * One argument as nginx's tokenizer reads it back unchanged: bare when it is made of safe characters,
 * otherwise double-quoted with `\` and `"` escaped (nginx unescapes exactly those two inside quotes).
 */
export function quoteArg(arg: string): string {
  if (BARE.test(arg) && !arg.startsWith("#")) return arg;
  return `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Serialises directives as nginx configuration text, two spaces per level. */
export function formatDirectives(directives: Directive[], depth = 0): string {
  const pad = "  ".repeat(depth);
  let out = "";
  for (const d of directives) {
    const head = [d.name, ...d.args].map(quoteArg).join(" ");
    if (d.block) {
      out += `${pad}${head} {\n${formatDirectives(d.block, depth + 1)}${pad}}\n`;
    } else {
      out += `${pad}${head};\n`;
    }
  }
  return out;
}

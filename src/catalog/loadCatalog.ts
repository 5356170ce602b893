import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { AimsError } from "../domain/errors.js";
import { type Plug, plugSchema } from "../domain/manifest.js";
import { fieldPath, formatIssues } from "../domain/zodIssues.js";
import { parseYaml } from "../parseYaml.js";

/** A validated plug and where its manifest lives (build contexts resolve against `dir`). */
export interface CatalogEntry {
  plug: Plug;
  file: string;
  dir: string;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** The plug with this id, or AimsError("not_found") listing what exists. */
  get(id: string): CatalogEntry;
}

/** Parses and validates one manifest file; errors name the file and the field. */
export function loadPlugFile(file: string): CatalogEntry {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    throw new AimsError(
      "invalid_input",
      `plug manifest ${file} is not valid YAML: ${(err as Error).message}`,
    );
  }
  const parsed = plugSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = formatIssues(parsed.error, { fieldName: (path) => fieldPath(path) || "the manifest" });
    throw new AimsError("invalid_input", `plug manifest ${file} is invalid: ${detail}`);
  }
  return { plug: parsed.data, file, dir: dirname(file) };
}

/** Loads every `*.yaml` / `*.yml` manifest in `dirs`, in order; a later directory's plug replaces an earlier one with the same id. */
export function loadCatalog(dirs: string[]): Catalog {
  const byId = new Map<string, CatalogEntry>();
  for (const dir of dirs.map((d) => resolve(d))) {
    if (!existsSync(dir)) throw new AimsError("invalid_input", `catalog directory ${dir} does not exist`);
    const files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    for (const f of files) {
      const entry = loadPlugFile(join(dir, f));
      byId.set(entry.plug.id, entry);
    }
  }
  const entries = [...byId.values()].sort((a, b) => a.plug.id.localeCompare(b.plug.id));
  return {
    entries,
    get(id: string): CatalogEntry {
      const entry = byId.get(id);
      if (!entry) {
        const known = entries.map((e) => e.plug.id).join(", ") || "none";
        throw new AimsError(
          "not_found",
          `unknown plug "${id}" (the catalog has: ${known}); see \`aims catalog list\``,
        );
      }
      return entry;
    },
  };
}

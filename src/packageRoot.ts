import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The nearest folder above `from` that holds a package.json. Found by looking rather than by a fixed
 * number of `..`: the same module runs from src/ (tsx), dist/ (tsc) and the CLI bundle's chunks.
 */
function packageRootAbove(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return dirname(from);
  }
}

/** The repository / package root (where catalog/ and images/ live). */
export const PACKAGE_ROOT = packageRootAbove(dirname(fileURLToPath(import.meta.url)));

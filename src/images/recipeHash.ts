import { createHash } from "node:crypto";
import { type DebianRecipe, mmdebstrapArgs } from "./debianRecipes.js";

/**
 * A content hash of everything that shapes the image: the recipe, the mmdebstrap arguments and context files.
 * A module apart from the recipes, so `aims --help`, which names them, does not load node:crypto.
 */
export function recipeHash(
  recipe: DebianRecipe,
  contextFiles: Array<{ path: string; bytes: Uint8Array }>,
): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ ...recipe, contextDir: undefined, args: mmdebstrapArgs(recipe, "-") }));
  for (const file of [...contextFiles].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(`\0${file.path}\0${file.bytes.byteLength}\0`);
    hash.update(file.bytes);
  }
  return hash.digest("hex");
}

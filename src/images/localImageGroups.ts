import { DEBIAN_RECIPES } from "./debianRecipes.js";

/** Groups `build-local` accepts in `only` (a module of its own: `aims --help` names them without loading the builders). */
export const LOCAL_IMAGE_GROUPS = ["base", "plugs", ...DEBIAN_RECIPES.map((r) => r.name)] as const;

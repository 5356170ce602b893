import { existsSync } from "node:fs";
import type { OperationContext } from "../context.js";
import type { InstanceSpec } from "../domain/instanceSpec.js";
import type { PlugSource } from "./resolveImages.js";

/**
 * Where an instance's plug builds from: the catalog directory its spec recorded, or — when AIMS now lives
 * elsewhere (a reinstall or upgrade moved the package, so the recorded path is gone) — the current catalog's
 * directory for the same plug at the same version. Anything else keeps the recorded path, and the build's
 * own error names it.
 */
export function plugSourceOf(p: OperationContext, spec: InstanceSpec): PlugSource {
  if (existsSync(spec.catalogDir)) return { plug: spec.plug, dir: spec.catalogDir };
  const entry = p.catalog.entries.find((e) => e.plug.id === spec.plug.id);
  const moved = entry && entry.plug.version === spec.plug.version ? entry.dir : spec.catalogDir;
  return { plug: spec.plug, dir: moved };
}

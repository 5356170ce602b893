import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReconcilerContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import type { Actor } from "../lifecycle/actor.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { type ExportOptions, type ExportSummary, exportInstance } from "./exportInstance.js";
import { packBundle } from "./packBundle.js";

type ExportContext = Pick<ReconcilerContext, "store" | "runtime" | "masterKey">;

/** Where a bundle goes: a directory, or a `.tar.gz` / `.tgz` file. */
export function bundleTarget(out: string): { kind: "dir" | "archive"; path: string } {
  return { kind: /\.(tar\.gz|tgz)$/i.test(out) ? "archive" : "dir", path: resolve(out) };
}

/** An empty or absent directory: an export never writes over files already there. */
async function freshDir(path: string): Promise<void> {
  const found = await readdir(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [];
    throw new AimsError("invalid_input", `cannot use ${path} for the bundle: ${err.code ?? err.message}`);
  });
  if (found.length)
    throw new AimsError("conflict", `${path} is not empty: give --out a new directory or a .tar.gz file`);
  await mkdir(path, { recursive: true });
}

/** A temporary directory the bundle is built in before it is packed, removed by the caller. */
function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), "aims-export-"));
}

/**
 * Exports an instance into `out`: a new directory, or a `.tar.gz` file (built in a temporary directory, then
 * packed under `<project>/`). A failed export leaves no half-written bundle behind.
 */
export async function exportToPath(
  ctx: ExportContext,
  actor: Actor,
  tenant: TenantRow,
  instance: InstanceRow,
  options: ExportOptions,
  out: string,
  progress: ProgressSink,
): Promise<ExportSummary & { path: string }> {
  const target = bundleTarget(out);
  if (target.kind === "dir") {
    await freshDir(target.path);
    try {
      return {
        ...(await exportInstance(ctx, actor, tenant, instance, options, target.path, progress)),
        path: target.path,
      };
    } catch (err) {
      await rm(target.path, { recursive: true, force: true });
      throw err;
    }
  }
  await mkdir(dirname(target.path), { recursive: true });
  const dir = await scratch();
  try {
    const summary = await exportInstance(ctx, actor, tenant, instance, options, dir, progress);
    progress(`packing ${basename(target.path)}`);
    await pipeline(packBundle(dir, summary.project), createWriteStream(target.path, { mode: 0o600 }));
    return { ...summary, path: target.path };
  } catch (err) {
    await rm(target.path, { force: true });
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Exports an instance as a `.tar.gz` stream (the API's answer): built in a temporary directory, which is removed
 * once the stream ends or fails.
 */
export async function exportArchive(
  ctx: ExportContext,
  actor: Actor,
  tenant: TenantRow,
  instance: InstanceRow,
  options: ExportOptions,
  progress: ProgressSink,
): Promise<{ summary: ExportSummary; stream: Readable }> {
  const dir = await scratch();
  const cleanup = () => void rm(dir, { recursive: true, force: true });
  try {
    const summary = await exportInstance(ctx, actor, tenant, instance, options, dir, progress);
    const stream = packBundle(dir, summary.project);
    stream.once("close", cleanup);
    stream.once("error", cleanup);
    return { summary, stream };
  } catch (err) {
    cleanup();
    throw err;
  }
}

import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AimsError } from "../../domain/errors.js";
import type { ProgressSink } from "../../runtime/RuntimeDriver.js";
import { printJson } from "../output.js";
import { RemoteApi, type RemoteTarget } from "./RemoteApi.js";

const segment = encodeURIComponent;

/** The flags of `aims export` remote mode reads. */
export interface RemoteExportOptions {
  tenant: string;
  out?: string;
  withData?: boolean;
  includeSecrets?: boolean;
  json?: boolean;
}
const MiB = 1024 * 1024;

/**
 * `aims export` in remote mode: `GET …/instances/{name}/export` saved to a .tar.gz, with the bytes received as
 * progress. The API never puts secrets in a bundle, so --include-secrets is refused before anything is asked.
 */
export async function runRemoteExport(
  target: RemoteTarget,
  name: string,
  opts: RemoteExportOptions,
  progress: ProgressSink,
): Promise<void> {
  if (opts.includeSecrets)
    throw new AimsError(
      "invalid_input",
      "--include-secrets works only on the AIMS host (unset AIMS_URL): the API never hands out secrets",
    );
  const out = resolve(opts.out ?? `${opts.tenant}-${name}.tar.gz`);
  if (!/\.(tar\.gz|tgz)$/i.test(out))
    throw new AimsError("invalid_input", "in remote mode --out must be a .tar.gz file, like acme-web.tar.gz");
  progress("waiting for AIMS to build the bundle");
  const response = await new RemoteApi(target).send(
    "GET",
    `/v1/tenants/${segment(opts.tenant)}/instances/${segment(name)}/export`,
    { query: { withData: Boolean(opts.withData) }, headers: { accept: "application/gzip" } },
  );
  if (!response.body) throw new AimsError("unavailable", "AIMS answered the export with no body");
  let bytes = 0;
  let shown = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes - shown >= 8 * MiB) {
        shown = bytes;
        progress(`received ${(bytes / MiB).toFixed(0)} MiB`);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream),
      count,
      createWriteStream(out, { mode: 0o600 }),
    );
  } catch (err) {
    await rm(out, { force: true });
    throw new AimsError("unavailable", `the export's download broke off: ${(err as Error).message}`);
  }
  // The archive's top folder is the bundle's project name, which the answer's file name carries.
  const project =
    /filename="([^"]+)\.tar\.gz"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ??
    `${opts.tenant}-${name}`;
  if (opts.json) return printJson({ tenant: opts.tenant, instance: name, project, path: out, bytes });
  process.stdout.write(
    `exported ${opts.tenant}/${name} to ${out} (${(bytes / MiB).toFixed(1)} MiB)\n` +
      `run it on any Docker host: tar xzf ${out} && ./${project}/setup.sh\n`,
  );
}

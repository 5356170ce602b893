import { PassThrough, Readable } from "node:stream";
import type Dockerode from "dockerode";
import type { LogOptions } from "../RuntimeDriver.js";

/** docker-modem JSON-parses a non-streamed body when it can, so a TTY log that is one JSON value comes back parsed. */
function asBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

/**
 * An RFC 3339 time as the engine's `since` takes it: `<seconds>.<nanoseconds>`, keeping the nanoseconds
 * the engine reported (a millisecond Date would repeat the last lines of the run before).
 * @example engineTimestamp("2024-05-01T10:00:00.123456789Z") // "1714557600.123456789"
 */
export function engineTimestamp(time: string): string {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  const seconds = match ? Date.parse(`${match[1]}${match[3]}`) / 1000 : Number.NaN;
  if (!match || !Number.isFinite(seconds)) throw new Error(`not an RFC 3339 time: ${time}`);
  return `${seconds}.${(match[2] ?? "").padEnd(9, "0").slice(0, 9)}`;
}

/**
 * A container's stdout and stderr as text chunks. Non-TTY logs are multiplexed (8-byte frame headers) and
 * are split with the modem's demuxer; a followed stream ends when the container stops or `signal` aborts.
 */
export async function* containerLogs(
  docker: Dockerode,
  nameOrId: string,
  options: LogOptions,
): AsyncGenerator<string, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) return;
  const container = docker.getContainer(nameOrId);
  const info = await container.inspect();
  const base = {
    stdout: true,
    stderr: true,
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    ...(options.since !== undefined ? { since: engineTimestamp(options.since) } : {}),
  };
  const raw: NodeJS.ReadableStream & { destroy(): void } = options.follow
    ? ((await container.logs({ ...base, follow: true })) as Readable)
    : Readable.from([asBuffer(await container.logs({ ...base, follow: false }))]);

  const text = new PassThrough();
  text.setEncoding("utf8");
  const finish = () => {
    if (!text.writableEnded) text.end();
  };
  if (info.Config.Tty) raw.on("data", (chunk: Buffer) => text.write(chunk));
  else docker.modem.demuxStream(raw, text, text);
  raw.on("end", finish);
  raw.on("close", finish);
  raw.on("error", finish);

  const onAbort = () => {
    raw.destroy();
    finish();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  // Aborted while the engine was asked for the stream (a revoked credential ends a log stream at any moment).
  if (signal?.aborted) onAbort();
  try {
    for await (const chunk of text) yield chunk as string;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    raw.destroy();
  }
}

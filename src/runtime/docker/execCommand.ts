import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { AimsError } from "../../domain/errors.js";

/** Reads a hijacked exec stream to its end, demultiplexing stdout and stderr into one text. */
function collectOutput(docker: Dockerode, stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    docker.modem.demuxStream(stream, sink, sink);
    const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", reject);
  });
}

/** Polls until the engine has recorded the exec's exit code (it can lag the end of the output stream). */
async function exitCodeOf(exec: Dockerode.Exec, signal: AbortSignal): Promise<number> {
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await sleep(20, undefined, { signal });
  }
}

/**
 * Runs `command` in a running container and returns its combined output and exit code. Bounded by
 * `timeoutMs`: on timeout the call fails, though the engine offers no way to kill the process itself.
 */
export async function execCommand(
  docker: Dockerode,
  nameOrId: string,
  command: string[],
  timeoutMs: number,
): Promise<{ exitCode: number; output: string }> {
  const deadline = new AbortController();
  let stream: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => {
      deadline.abort();
      stream?.destroy();
      reject(
        new AimsError("failed", `command ${command[0] ?? ""} in ${nameOrId} timed out after ${timeoutMs} ms`),
      );
    }, timeoutMs);
    deadline.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  });
  timedOut.catch(() => undefined);
  const run = async () => {
    const exec = await docker
      .getContainer(nameOrId)
      .exec({ Cmd: command, AttachStdout: true, AttachStderr: true, abortSignal: deadline.signal });
    stream = (await exec.start({ hijack: true, stdin: false })) as typeof stream;
    const output = await collectOutput(docker, stream!);
    return { exitCode: await exitCodeOf(exec, deadline.signal), output };
  };
  const running = run();
  // When the deadline wins, the abandoned run fails later: that failure is expected and already reported.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, timedOut]);
  } finally {
    deadline.abort();
  }
}

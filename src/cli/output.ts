import { AimsError, exitCodeOf, toErrorBody } from "../domain/errors.js";

// What every command prints with: light on purpose, since the entry loads it before any command runs.

/**
 * Makes a closed pipe quiet (`aims ps | head -1`, in either mode). When stdout's reader has gone, nothing
 * more can be delivered: the command ends at once with its exit code so far (0), instead of Node's
 * unhandled EPIPE stack trace. When stderr's reader has gone, messages are dropped and the command carries
 * on: its exit code still says how it went.
 */
export function quietOnClosedPipes(): void {
  const closed = (err: NodeJS.ErrnoException) => err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED";
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (!closed(err)) throw err;
    process.exit();
  });
  process.stderr.on("error", (err: NodeJS.ErrnoException) => {
    if (!closed(err)) throw err;
  });
}

/** Prints an error the one way (JSON body with --json, a sentence otherwise) and sets the exit code. */
export function reportError(err: unknown, json: boolean): void {
  const body = toErrorBody(err);
  if (!(err instanceof AimsError)) {
    process.stderr.write(
      `aims: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  if (json) process.stdout.write(`${JSON.stringify(body)}\n`);
  else process.stderr.write(`aims: ${body.error.code}: ${body.error.message}\n`);
  process.exitCode = exitCodeOf(err);
}

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Renders rows as an aligned text table. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  process.stdout.write(`${[line(headers), ...rows.map(line)].join("\n")}\n`);
}

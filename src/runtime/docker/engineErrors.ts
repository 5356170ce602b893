import { AimsError } from "../../domain/errors.js";

/** The shape docker-modem gives its errors: an HTTP status, and the engine's JSON body when it had one. */
interface ModemError {
  statusCode?: number;
  code?: string;
  syscall?: string;
  json?: { message?: string } | null;
  message?: string;
}

const CONNECTION_REASONS: Record<string, string> = {
  ENOENT: "no socket at that path (ENOENT)",
  ECONNREFUSED: "connection refused (ECONNREFUSED)",
  EACCES: "permission denied (EACCES); run as root or add the user to the docker group",
};

/** The HTTP status the engine answered with, when the error came from the engine. */
export function engineStatus(err: unknown): number | undefined {
  const status = (err as ModemError | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** True when the engine answered 404 (no such container / network / volume / image). */
export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

/** The engine's own words for a failure, without docker-modem's `(HTTP code N) reason - ` prefix. */
export function engineMessage(err: unknown): string {
  const e = err as ModemError | undefined;
  const fromJson = e?.json?.message;
  if (typeof fromJson === "string" && fromJson.length > 0) return fromJson.trim();
  const message = typeof e?.message === "string" ? e.message : String(err);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}

/** An AimsError("unavailable") when `err` says the socket did not answer; undefined for any other error. */
export function unreachableError(err: unknown, socketPath: string): AimsError | undefined {
  const { code, syscall } = (err ?? {}) as ModemError;
  if (code === undefined || !(code in CONNECTION_REASONS)) return undefined;
  // A file error inside a build context (ENOENT from the tar packer) is not the socket failing.
  if (syscall !== undefined && syscall !== "connect") return undefined;
  return new AimsError(
    "unavailable",
    `Docker engine unreachable at ${socketPath}: ${CONNECTION_REASONS[code]}. ` +
      "Start it (e.g. `dockerd &` or `systemctl start docker`) or set AIMS_DOCKER_SOCKET.",
  );
}

/**
 * Runs one engine call and turns "socket did not answer" into the one actionable AimsError; every other
 * error passes through unchanged for the caller to classify.
 */
export async function callEngine<T>(socketPath: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw unreachableError(err, socketPath) ?? err;
  }
}

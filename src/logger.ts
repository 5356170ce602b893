import { createRequire } from "node:module";
import type { DestinationStream, Logger, pino as Pino } from "pino";

export type { Logger };

/**
 * Structured logs (one JSON line per event) on stderr; fields that could carry secrets are redacted.
 * pino (CommonJS) is required on the first call rather than imported: a command that never logs
 * (`aims ps`) never loads it.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  const { pino } = createRequire(import.meta.url)("pino") as { pino: typeof Pino };
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          "env",
          "*.env",
          "secret",
          "*.secret",
          "secrets",
          "*.secrets",
          "password",
          "*.password",
          "masterKey",
        ],
        censor: "[redacted]",
      },
    },
    destination as DestinationStream,
  );
}

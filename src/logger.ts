import { type Logger, pino } from "pino";

export type { Logger };

/** Structured logs (one JSON line per event) on stderr; fields that could carry secrets are redacted. */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
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
    destination as pino.DestinationStream,
  );
}

import { userInfo } from "node:os";
import type { Command } from "commander";
import { type AimsConfig, loadConfig } from "../config.js";
import { AimsError } from "../domain/errors.js";
import type { Actor } from "../lifecycle/actor.js";
import { createPlatform, type Platform } from "../platform.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";

/** Options every command inherits from the root program. */
export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  verbose?: boolean;
}

/** Reads configuration honouring the global `--config` / `--data-dir` flags. */
export function configFrom(cmd: Command): AimsConfig {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfig({
    ...(opts.config ? { configFile: opts.config } : {}),
    overrides: {
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      ...(opts.verbose ? { logLevel: "info" } : {}),
    },
  });
}

/** `service install` for the command `aims service install`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * The configuration of a command that has no API counterpart: in remote mode (AIMS_URL set) it is refused
 * before anything local is read or created.
 */
export function hostOnly(cmd: Command): AimsConfig {
  const config = configFrom(cmd);
  if (config.remote)
    throw new AimsError(
      "invalid_input",
      `\`aims ${commandPath(cmd)}\` works only on the AIMS host (unset AIMS_URL)`,
    );
  return config;
}

/** Runs `fn` with a platform built from the command's configuration (host only), closing it afterwards. */
export async function withPlatform<T>(cmd: Command, fn: (p: Platform) => Promise<T>): Promise<T> {
  const platform = await createPlatform(hostOnly(cmd));
  try {
    return await fn(platform);
  } finally {
    // Routes this command changed are live before it returns (close flushes them).
    await platform.close();
  }
}

/** The CLI's actor for audit entries: the OS user on this host. */
export function cliActor(): Actor {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // containers without a passwd entry
  }
  return { id: `cli:${user}`, source: "cli" };
}

/** Without a terminal (a CI log, `2> file`), at most one progress line per this many ms. */
const UNATTENDED_EVERY_MS = 3000;

/**
 * Progress lines on stderr, so long steps never look stuck: every line on a terminal (or with --verbose);
 * without one, at most one line every few seconds (the operations report long waits every 5 s), so a log
 * shows the command is alive without a line per pulled layer.
 */
export function progressFor(cmd: Command): ProgressSink {
  const everything = process.stderr.isTTY || Boolean(cmd.optsWithGlobals<GlobalOptions>().verbose);
  const started = Date.now();
  let printed = Number.NEGATIVE_INFINITY;
  return (message) => {
    const now = Date.now();
    if (!everything && now - printed < UNATTENDED_EVERY_MS) return;
    printed = now;
    const seconds = ((now - started) / 1000).toFixed(1).padStart(5);
    process.stderr.write(`  ${seconds}s  ${message}\n`);
  };
}

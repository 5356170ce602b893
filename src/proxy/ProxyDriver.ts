import type { RouteTable } from "./routes.js";

/** What an apply did: the generation now served, and whether anything had to change to get there. */
export interface ApplyResult {
  generation: string;
  /** False when the proxy already served exactly this configuration. */
  changed: boolean;
  /** True when the proxy was not running and had to be started. */
  started: boolean;
  durationMs: number;
  /** Where the time went (ms): render, write, validate, reload (swap, signal, new workers serving). */
  stages: Partial<Record<"render" | "write" | "validate" | "reload", number>>;
}

export interface ProxyStatus {
  running: boolean;
  pid?: number;
  /** The generation the proxy answers with (a hash of the routes it was rendered from). */
  generation?: string;
}

/**
 * A reverse proxy that serves a route table. Every apply is all-or-nothing: the candidate configuration
 * is validated before it replaces the live one, and on any failure the last good one stays live and the
 * error (an AimsError "failed" carrying the proxy's own message) says why.
 */
export interface ProxyDriver {
  /** Makes `table` live (render, validate, swap, reload), starting the proxy if it is not running. */
  apply(table: RouteTable): Promise<ApplyResult>;
  /** Starts the proxy with the last good configuration when it is not running; true when it had to. */
  ensureRunning(): Promise<boolean>;
  status(): Promise<ProxyStatus>;
  /** Stops the proxy and anything it left behind. */
  stop(): Promise<void>;
}

/** Where an apply failed: the candidate was refused, or the proxy would not start or reload. */
export type ApplyStage = "validate" | "start" | "reload";

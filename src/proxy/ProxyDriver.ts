// The route table is what a proxy driver serves: it is declared here, beside the interface, so a
// driver needs nothing of proxy/ but this file (routes.ts derives tables from the store's facts).

/** Where a serving route sends requests: one replica's published port. */
export interface UpstreamServer {
  address: string;
  port: number;
}

/** A certificate pair for one host (certbot's `live/<host>/` layout). */
export interface TlsFiles {
  certificate: string;
  key: string;
  /** Changes when the files do (renewal): part of the generation, so a renewed certificate is reloaded. */
  stamp?: string;
}

export interface RouteHost {
  name: string;
  /** Set when certificate files exist for the host: it is served over TLS and plain HTTP redirects there. */
  tls?: TlsFiles;
}

/**
 * One instance as the proxy sees it: the host names and path it answers at, and either the replicas to
 * send requests to (`serving`) or the AIMS page that says why it cannot answer now.
 */
export interface Route {
  tenant: string;
  instance: string;
  /** The instance's observed state, shown on the 503 page. */
  state: string;
  /** The operator suspended the instance's tenant: the 503 page says so, whatever the instance's state. */
  tenantSuspended?: boolean;
  serving: boolean;
  /** `<instance>.<tenant>.<baseDomain>` first, then the custom domains, sorted. */
  hosts: RouteHost[];
  /** `/<tenant>/<instance>/` on any host the proxy does not otherwise know. */
  path: string;
  upstream: UpstreamServer[];
}

/** Every route of the install, sorted by tenant then instance. */
export interface RouteTable {
  routes: Route[];
}

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

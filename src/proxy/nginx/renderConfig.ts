import type { Route, RouteHost, RouteTable } from "../ProxyDriver.js";
import { credentialHeaders, credentialMaps } from "./credentialFilter.js";
import { block, type Directive, directive, formatDirectives } from "./directives.js";
import { notAnsweringPage, notFoundPage, unavailablePage } from "./pages.js";

/** Everything about the nginx process and its files that the configuration names. */
export interface RenderSettings {
  /** `<dataDir>/proxy`: run/, logs/, tmp/ live here. */
  root: string;
  /** The directory this candidate is written to (`<root>/trees/<generation>`): includes point into it. */
  treeDir: string;
  generation: string;
  bindAddress: string;
  port: number;
  tlsPort: number;
  bodyLimit: string;
  workerProcesses: number | "auto";
  /** An access log at `<root>/logs/access.log`, buffered; off, none is written. */
  accessLog: boolean;
  /** Render `paths.conf` (`/<tenant>/<instance>/` on the proxy's own address); off, only host names route. */
  pathRouting: boolean;
}

/** The control socket answering `GET /generation` with the configuration nginx is serving. */
export const controlSocket = (root: string) => `${root}/run/control.sock`;
export const pidFile = (root: string) => `${root}/run/nginx.pid`;
export const errorLog = (root: string) => `${root}/logs/error.log`;
export const accessLog = (root: string) => `${root}/logs/access.log`;

/** Files of one candidate tree, by path relative to its directory, as directive trees. */
export type RenderedTree = Map<string, Directive[]>;

/**
 * The whole candidate configuration, pure, as up to three files: `nginx.conf` (process, http defaults,
 * the control server, the default server that answers 404 and, with path routing, includes the path
 * routes), `routes.conf` (each instance's upstream and host-named servers) and, only with path routing,
 * `paths.conf` (each instance's `/<tenant>/<instance>/` locations). A few files, not one per route:
 * writing 2,000 small files made an apply with 1,000 routes ten times slower on a busy disk.
 */
export function renderTree(table: RouteTable, s: RenderSettings): RenderedTree {
  const anyTls = table.routes.some((r) => r.hosts.some((h) => h.tls));
  const tree: RenderedTree = new Map([
    ["nginx.conf", mainConfig(s, anyTls)],
    ["routes.conf", table.routes.flatMap((r) => routeServers(r, s))],
  ]);
  if (s.pathRouting)
    tree.set(
      "paths.conf",
      table.routes.flatMap((r) => pathLocations(r)),
    );
  return tree;
}

/** A rendered tree as file texts, each with a header naming its generation. */
export function serializeTree(tree: RenderedTree, generation: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, directives] of tree)
    out.set(
      file,
      `# Written by AIMS (generation ${generation}) from its store; edits are overwritten.\n${formatDirectives(directives)}`,
    );
  return out;
}

const listen = (address: string, port: number) =>
  address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;

function mainConfig(s: RenderSettings, anyTls: boolean): Directive[] {
  const tmp = (name: string) => `${s.root}/tmp/${name}`;
  const http: Directive[] = [
    s.accessLog
      ? directive("access_log", accessLog(s.root), "combined", "buffer=64k", "flush=1s")
      : directive("access_log", "off"),
    directive("server_tokens", "off"),
    directive("keepalive_requests", 10000),
    // Relative Location headers: right whatever address or port a client reached the proxy at.
    directive("absolute_redirect", "off"),
    directive("default_type", "application/octet-stream"),
    directive("client_body_temp_path", tmp("client_body")),
    directive("proxy_temp_path", tmp("proxy")),
    directive("fastcgi_temp_path", tmp("fastcgi")),
    directive("uwsgi_temp_path", tmp("uwsgi")),
    directive("scgi_temp_path", tmp("scgi")),
    directive("client_max_body_size", s.bodyLimit),
    directive("server_names_hash_bucket_size", 512),
    directive("server_names_hash_max_size", 65536),
    directive("proxy_http_version", "1.1"),
    directive("proxy_set_header", "Host", "$host"),
    directive("proxy_set_header", "X-Real-IP", "$remote_addr"),
    directive("proxy_set_header", "X-Forwarded-For", "$proxy_add_x_forwarded_for"),
    directive("proxy_set_header", "X-Forwarded-Proto", "$scheme"),
    directive("proxy_set_header", "X-Forwarded-Host", "$host"),
    directive("proxy_set_header", "Upgrade", "$http_upgrade"),
    directive("proxy_set_header", "Connection", "$aims_connection"),
    // Never AIMS's session cookies or API keys: an app would replay them against the API.
    ...credentialHeaders(),
    // Streams (SSE, websockets, long polls) pass through as they come; nothing is spooled to disk.
    directive("proxy_buffering", "off"),
    directive("proxy_request_buffering", "off"),
    directive("proxy_connect_timeout", "5s"),
    directive("proxy_read_timeout", "3600s"),
    directive("proxy_send_timeout", "3600s"),
    directive("proxy_next_upstream", "error", "timeout"),
    directive("error_page", 502, 504, "@aims_unavailable"),
    block("map", ["$http_upgrade", "$aims_connection"], [directive("default", "upgrade"), directive("", "")]),
    ...credentialMaps(),
    block(
      "server",
      [],
      [
        directive("listen", `unix:${controlSocket(s.root)}`),
        block("location", ["=", "/generation"], [directive("return", 200, s.generation)]),
      ],
    ),
    block(
      "server",
      [],
      [
        // reuseport: one listening socket per worker, so the kernel spreads connections (once per address).
        directive("listen", listen(s.bindAddress, s.port), "default_server", "reuseport"),
        ...notFoundLocation(),
        unavailableLocation(),
        ...(s.pathRouting ? [directive("include", `${s.treeDir}/paths.conf`)] : []),
      ],
    ),
  ];
  if (anyTls)
    http.push(
      block(
        "server",
        [],
        [
          directive("listen", listen(s.bindAddress, s.tlsPort), "ssl", "default_server", "reuseport"),
          directive("ssl_reject_handshake", "on"),
        ],
      ),
    );
  http.push(directive("include", `${s.treeDir}/routes.conf`));
  return [
    directive("worker_processes", s.workerProcesses),
    directive("worker_rlimit_nofile", 16384),
    directive("pid", pidFile(s.root)),
    directive("error_log", errorLog(s.root), "warn"),
    block("events", [], [directive("worker_connections", 4096)]),
    block("http", [], http),
  ];
}

function htmlResponse(status: number, body: string): Directive[] {
  return [
    directive("default_type", "text/html"),
    directive("add_header", "Cache-Control", "no-store", "always"),
    directive("return", status, body),
  ];
}

function notFoundLocation(): Directive[] {
  return [block("location", ["/"], htmlResponse(404, notFoundPage()))];
}

function unavailableLocation(): Directive {
  return block("location", ["@aims_unavailable"], htmlResponse(503, notAnsweringPage()));
}

const upstreamName = (r: Route) => `aims.${r.instance}.${r.tenant}`;

/** What `location /` of a host does: proxy to the replicas, or the 503 page of the instance's state. */
function answer(r: Route): Directive[] {
  if (r.serving) return [directive("proxy_pass", `http://${upstreamName(r)}`)];
  return htmlResponse(503, unavailablePage(r.tenant, r.instance, r.state, r.tenantSuspended));
}

function routeServers(r: Route, s: RenderSettings): Directive[] {
  const out: Directive[] = [];
  if (r.serving)
    out.push(
      block(
        "upstream",
        [upstreamName(r)],
        [
          ...r.upstream.map((u) =>
            directive("server", listen(u.address, u.port), "max_fails=1", "fail_timeout=5s"),
          ),
          directive("keepalive", 16),
          // Below the usual 5 s idle timeout of app servers (Node's): nginx never reuses a closing connection.
          directive("keepalive_timeout", "4s"),
        ],
      ),
    );
  const plain = r.hosts.filter((h) => !h.tls);
  if (plain.length)
    out.push(
      block(
        "server",
        [],
        [
          directive("listen", listen(s.bindAddress, s.port)),
          directive("server_name", ...plain.map((h) => h.name)),
          block("location", ["/"], answer(r)),
          unavailableLocation(),
        ],
      ),
    );
  for (const h of r.hosts.filter((x): x is Required<RouteHost> => Boolean(x.tls))) {
    const port = s.tlsPort === 443 ? "" : `:${s.tlsPort}`;
    out.push(
      block(
        "server",
        [],
        [
          directive("listen", listen(s.bindAddress, s.port)),
          directive("server_name", h.name),
          directive("return", 301, `https://${h.name}${port}$request_uri`),
        ],
      ),
      block(
        "server",
        [],
        [
          directive("listen", listen(s.bindAddress, s.tlsPort), "ssl"),
          directive("server_name", h.name),
          directive("ssl_certificate", h.tls.certificate),
          directive("ssl_certificate_key", h.tls.key),
          block("location", ["/"], answer(r)),
          unavailableLocation(),
        ],
      ),
    );
  }
  return out;
}

function pathLocations(r: Route): Directive[] {
  const prefix = r.path.slice(0, -1);
  return [
    block(
      "location",
      [r.path],
      r.serving ? [directive("proxy_pass", `http://${upstreamName(r)}/`)] : answer(r),
    ),
    block("location", ["=", prefix], [directive("return", 301, r.path)]),
  ];
}

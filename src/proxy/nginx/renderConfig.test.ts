import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSelfSignedCertificate } from "../../../test/support/certificate.js";
import { loadConfig } from "../../config.js";
import { isAimsError } from "../../domain/errors.js";
import { parseCustomDomain } from "../../domain/hostnames.js";
import { nameSchema } from "../../domain/names.js";
import { proxyRoot } from "../createRoutes.js";
import type { TlsFiles } from "../ProxyDriver.js";
import { deriveRoutes, type RouteSource } from "../routes.js";
import { ConfigTree } from "./configTree.js";
import { credentialMaps } from "./credentialFilter.js";
import { block, type Directive, directive } from "./directives.js";
import { runNginx } from "./nginxProcess.js";
import { notAnsweringPage, notFoundPage, unavailablePage } from "./pages.js";
import { parseConfig } from "./parseConfig.js";
import { type RenderSettings, renderTree, serializeTree } from "./renderConfig.js";

const NGINX = "/usr/sbin/nginx";
let scratch: string;
let tls: TlsFiles;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "aims-render-"));
  tls = { certificate: join(scratch, "cert.pem"), key: join(scratch, "key.pem") };
  writeSelfSignedCertificate("test", tls);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const settings = (root: string, over: Partial<RenderSettings> = {}): RenderSettings => ({
  root,
  treeDir: `${root}/trees/g1`,
  generation: "g1",
  bindAddress: "127.0.0.1",
  port: 8080,
  tlsPort: 8443,
  bodyLimit: "10m",
  workerProcesses: 1,
  accessLog: false,
  pathRouting: true,
  ...over,
});

const page = (status: number, body: string) => [
  directive("default_type", "text/html"),
  directive("add_header", "Cache-Control", "no-store", "always"),
  directive("return", status, body),
];
const unavailable = block("location", ["@aims_unavailable"], page(503, notAnsweringPage()));

describe("renderTree", () => {
  it("renders exactly the expected directives for a serving, a suspended and a TLS route", () => {
    const table = deriveRoutes(
      [
        {
          tenant: "acme",
          instance: "web",
          state: "ready",
          ports: [51000, 51001],
          domains: ["shop.example.com", "secure.example.com"],
        },
        { tenant: "acme", instance: "old", state: "suspended", ports: [51002], domains: [] },
      ],
      {
        baseDomain: "localhost",
        publishAddress: "127.0.0.1",
        tlsFor: (h) => (h === "secure.example.com" ? tls : undefined),
      },
    );
    const tree = renderTree(table, settings("/srv/aims/proxy"));
    expect([...tree.keys()]).toEqual(["nginx.conf", "routes.conf", "paths.conf"]);
    expect(tree.get("routes.conf")).toEqual([
      block(
        "server",
        [],
        [
          directive("listen", "127.0.0.1:8080"),
          directive("server_name", "old.acme.localhost"),
          block("location", ["/"], page(503, unavailablePage("acme", "old", "suspended"))),
          unavailable,
        ],
      ),
      block(
        "upstream",
        ["aims.web.acme"],
        [
          directive("server", "127.0.0.1:51000", "max_fails=1", "fail_timeout=5s"),
          directive("server", "127.0.0.1:51001", "max_fails=1", "fail_timeout=5s"),
          directive("keepalive", 16),
          directive("keepalive_timeout", "4s"),
        ],
      ),
      block(
        "server",
        [],
        [
          directive("listen", "127.0.0.1:8080"),
          directive("server_name", "web.acme.localhost", "shop.example.com"),
          block("location", ["/"], [directive("proxy_pass", "http://aims.web.acme")]),
          unavailable,
        ],
      ),
      block(
        "server",
        [],
        [
          directive("listen", "127.0.0.1:8080"),
          directive("server_name", "secure.example.com"),
          directive("return", 301, "https://secure.example.com:8443$request_uri"),
        ],
      ),
      block(
        "server",
        [],
        [
          directive("listen", "127.0.0.1:8443", "ssl"),
          directive("server_name", "secure.example.com"),
          directive("ssl_certificate", tls.certificate),
          directive("ssl_certificate_key", tls.key),
          block("location", ["/"], [directive("proxy_pass", "http://aims.web.acme")]),
          unavailable,
        ],
      ),
    ]);
    expect(tree.get("paths.conf")).toEqual([
      block("location", ["/acme/old/"], page(503, unavailablePage("acme", "old", "suspended"))),
      block("location", ["=", "/acme/old"], [directive("return", 301, "/acme/old/")]),
      block("location", ["/acme/web/"], [directive("proxy_pass", "http://aims.web.acme/")]),
      block("location", ["=", "/acme/web"], [directive("return", 301, "/acme/web/")]),
    ]);
    const main = tree.get("nginx.conf")!;
    const http = main.find((d) => d.name === "http")!.block!;
    const servers = http.filter((d) => d.name === "server");
    expect(servers[1]).toEqual(
      block(
        "server",
        [],
        [
          directive("listen", "127.0.0.1:8080", "default_server", "reuseport"),
          block("location", ["/"], page(404, notFoundPage())),
          unavailable,
          directive("include", "/srv/aims/proxy/trees/g1/paths.conf"),
        ],
      ),
    );
    expect(servers[2]).toEqual(
      block(
        "server",
        [],
        [
          directive("listen", "127.0.0.1:8443", "ssl", "default_server", "reuseport"),
          directive("ssl_reject_handshake", "on"),
        ],
      ),
    );
    expect(http.at(-1)).toEqual(directive("include", "/srv/aims/proxy/trees/g1/routes.conf"));
  });

  it("answers the suspension page for a suspended tenant's instance, even one still ready (no upstream, no proxying)", () => {
    const table = deriveRoutes(
      [
        {
          tenant: "acme",
          instance: "web",
          state: "ready",
          ports: [51000],
          domains: [],
          tenantSuspended: true,
        },
      ],
      { baseDomain: "localhost", publishAddress: "127.0.0.1" },
    );
    expect(table.routes[0]).toMatchObject({ serving: false, tenantSuspended: true });
    const tree = renderTree(table, settings("/srv/aims/proxy", { pathRouting: false }));
    const routes = names(tree.get("routes.conf")!);
    expect(routes.filter((d) => d.name === "upstream")).toEqual([]);
    const suspended = unavailablePage("acme", "web", "ready", true);
    expect(suspended).toContain("is suspended by the operator of this host");
    expect(routes.filter((d) => d.name === "location")[0]).toEqual(
      block("location", ["/"], page(503, suspended)),
    );
  });

  it("writes no access log unless asked, then a buffered one in the proxy's logs", () => {
    const table = deriveRoutes([], { baseDomain: "localhost", publishAddress: "127.0.0.1" });
    const http = (accessLog: boolean) =>
      renderTree(table, settings("/srv/aims/proxy", { accessLog }))
        .get("nginx.conf")!
        .find((d) => d.name === "http")!.block!;
    expect(http(false).filter((d) => d.name === "access_log")).toEqual([directive("access_log", "off")]);
    expect(http(true).filter((d) => d.name === "access_log")).toEqual([
      directive("access_log", "/srv/aims/proxy/logs/access.log", "combined", "buffer=64k", "flush=1s"),
    ]);
  });

  it("routes by host name only unless path routing is on: no paths.conf, no include", () => {
    const table = deriveRoutes(
      [{ tenant: "acme", instance: "web", state: "ready", ports: [51000], domains: [] }],
      {
        baseDomain: "localhost",
        publishAddress: "127.0.0.1",
      },
    );
    const tree = renderTree(table, settings("/srv/aims/proxy", { pathRouting: false }));
    expect([...tree.keys()]).toEqual(["nginx.conf", "routes.conf"]);
    const http = tree.get("nginx.conf")!.find((d) => d.name === "http")!.block!;
    const fallback = http.filter((d) => d.name === "server")[1]!;
    expect(fallback.block!.filter((d) => d.name === "include")).toEqual([]);
    expect(names(tree.get("routes.conf")!).filter((d) => d.name === "location")).toEqual([
      block("location", ["/"], [directive("proxy_pass", "http://aims.web.acme")]),
      unavailable,
    ]);
  });

  it("sends instances the Cookie and Authorization headers filtered of AIMS's credentials, in every location", () => {
    const table = deriveRoutes(
      [{ tenant: "acme", instance: "web", state: "ready", ports: [51000], domains: [] }],
      {
        baseDomain: "localhost",
        publishAddress: "127.0.0.1",
      },
    );
    const tree = renderTree(table, settings("/srv/aims/proxy"));
    const http = tree.get("nginx.conf")!.find((d) => d.name === "http")!.block!;
    expect(http).toContainEqual(directive("proxy_set_header", "Cookie", "$aims_cookie"));
    expect(http).toContainEqual(directive("proxy_set_header", "Authorization", "$aims_authorization"));
    expect(http.filter((d) => d.name === "map")).toEqual([
      block(
        "map",
        ["$http_upgrade", "$aims_connection"],
        [directive("default", "upgrade"), directive("", "")],
      ),
      ...credentialMaps(),
    ]);
    const maps = credentialMaps();
    expect(maps.map((m) => m.args)).toEqual([
      ["$http_cookie", "$aims_cookie_1"],
      ...Array.from({ length: 7 }, (_, i) => [`$aims_cookie_${i + 1}`, `$aims_cookie_${i + 2}`]),
      ["$aims_cookie_8", "$aims_cookie"],
      ["$http_authorization", "$aims_authorization"],
    ]);
    expect(maps[0]!.block).toEqual([
      directive("~^\\s*(?:__Host-|__Secure-)?aims_[^;]*;?\\s*(.*)$", "$1"),
      directive("~^(.*?);\\s*(?:__Host-|__Secure-)?aims_[^;]*(.*)$", "$1$2"),
      directive("default", "$http_cookie"),
    ]);
    // proxy_set_header is inherited only by blocks that set none of their own: no location or server does.
    for (const file of tree.values())
      for (const d of names(file))
        if (d.block && d.name !== "http")
          expect(d.block.some((c) => c.name === "proxy_set_header")).toBe(false);
  });
});

/** Every directive name the renderer may write: anything else in a parsed file was injected. */
const ALLOWED = new Set([
  "worker_processes",
  "worker_rlimit_nofile",
  "pid",
  "error_log",
  "events",
  "worker_connections",
  "http",
  "access_log",
  "server_tokens",
  "absolute_redirect",
  "keepalive_requests",
  "keepalive_timeout",
  "default_type",
  "client_body_temp_path",
  "proxy_temp_path",
  "fastcgi_temp_path",
  "uwsgi_temp_path",
  "scgi_temp_path",
  "client_max_body_size",
  "server_names_hash_bucket_size",
  "server_names_hash_max_size",
  "proxy_http_version",
  "proxy_set_header",
  "proxy_buffering",
  "proxy_request_buffering",
  "proxy_connect_timeout",
  "proxy_read_timeout",
  "proxy_send_timeout",
  "proxy_next_upstream",
  "error_page",
  "map",
  "default",
  "",
  "server",
  "listen",
  "location",
  "return",
  "include",
  "ssl_reject_handshake",
  "upstream",
  "keepalive",
  "server_name",
  "proxy_pass",
  "add_header",
  "ssl_certificate",
  "ssl_certificate_key",
  // The keys of the credential filter's maps (fixed regexes, no input reaches them).
  ...credentialMaps().flatMap((m) => m.block!.map((d) => d.name)),
]);

function names(ds: Directive[], out: Directive[] = []): Directive[] {
  for (const d of ds) {
    out.push(d);
    if (d.block) names(d.block, out);
  }
  return out;
}

// Strings that try to break out of an argument, a directive or a block, mixed with plausible ones.
const hostile = fc.string({ unit: fc.constantFrom(..."az09-._;{}\"'\\$# \n\t*:/@[]"), maxLength: 24 });
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/);
const name = fc.oneof({ weight: 4, arbitrary: label }, { weight: 1, arbitrary: hostile });
const domain = fc.oneof(
  fc.array(label, { minLength: 2, maxLength: 4 }).map((l) => l.join(".")),
  hostile,
  fc.constantFrom("shop.example.com", "a.b", "1.2.3.4", "*.example.com", "x.com;}"),
);
/** Mostly plausible values, sometimes hostile ones: both the validators and nginx get exercised. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 7, arbitrary: good }, { weight: 1, arbitrary: bad });
const env = fc.record({
  AIMS_BASE_DOMAIN: mostly(fc.oneof(fc.constantFrom("localhost", "apps.example.com"), label), hostile),
  AIMS_PROXY_BODY_LIMIT: mostly(fc.constantFrom("10m", "512k", "1048576"), hostile),
  AIMS_PROXY_PORT: mostly(fc.integer({ min: 1, max: 65535 }).map(String), hostile),
  AIMS_PROXY_BIND: mostly(fc.constantFrom("127.0.0.1", "0.0.0.0", "::1", "::"), hostile),
  AIMS_PROXY_PATH_ROUTING: fc.constantFrom("on", "off", ""),
  dirSegment: mostly(fc.constantFrom("data", "my data", "a@b+c=d,e~f-g"), hostile),
});
const instances = fc.array(
  fc.record({
    tenant: name,
    instance: name,
    state: fc.constantFrom("pending", "deploying", "ready", "degraded", "suspended", "stopped", "failed"),
    ports: fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
    domains: fc.array(domain, { maxLength: 3 }),
    tls: fc.boolean(),
  }),
  { maxLength: 4 },
);

describe("every user-controlled field that reaches the configuration", () => {
  it("is validated at input, and whatever passes renders a tree nginx accepts and that parses back exactly", async () => {
    let validated = 0;
    await fc.assert(
      fc.asyncProperty(env, instances, async (e, list) => {
        const dataDir = join(scratch, "runs", `${validated}`, e.dirSegment);
        let config: ReturnType<typeof loadConfig>;
        try {
          config = loadConfig({ env: { ...e, AIMS_DATA_DIR: dataDir, AIMS_PORT_RANGE: "51000-51999" } });
        } catch (err) {
          expect(isAimsError(err, "invalid_input"), String(err)).toBe(true);
          return;
        }
        const sources: RouteSource[] = [];
        const withTls = new Set<string>();
        for (const i of list) {
          if (!nameSchema.safeParse(i.tenant).success || !nameSchema.safeParse(i.instance).success) continue;
          const domains: string[] = [];
          for (const d of i.domains) {
            try {
              domains.push(parseCustomDomain(d, config.proxy.baseDomain));
            } catch (err) {
              expect(isAimsError(err, "invalid_input")).toBe(true);
            }
          }
          if (i.tls) for (const d of domains) withTls.add(d);
          sources.push({ tenant: i.tenant, instance: i.instance, state: i.state, ports: i.ports, domains });
        }
        const table = deriveRoutes(sources, {
          baseDomain: config.proxy.baseDomain,
          publishAddress: config.bindAddress,
          tlsFor: (h) => (withTls.has(h) ? tls : undefined),
        });
        const root = proxyRoot(config.dataDir);
        const generation = `g${validated++}`;
        const s: RenderSettings = {
          root,
          treeDir: `${root}/trees/${generation}`,
          generation,
          bindAddress: config.proxy.bindAddress,
          port: config.proxy.port,
          tlsPort: config.proxy.tlsPort,
          bodyLimit: config.proxy.bodyLimit,
          workerProcesses: 1,
          // Both ways through nginx -t: with the access log and without.
          accessLog: validated % 2 === 0,
          pathRouting: config.proxy.pathRouting,
        };
        const tree = renderTree(table, s);
        const texts = serializeTree(tree, generation);
        const hosts = new Set(table.routes.flatMap((r) => r.hosts.map((h) => h.name)));
        const served = new Set<string>();
        for (const [file, text] of texts) {
          const parsed = parseConfig(text);
          expect(parsed, file).toEqual(tree.get(file));
          for (const d of names(parsed)) {
            expect(ALLOWED.has(d.name), `directive ${d.name} in ${file}`).toBe(true);
            if (d.name === "server_name") for (const h of d.args) served.add(h);
            if (d.name === "proxy_pass")
              expect(d.args[0]).toMatch(/^http:\/\/aims\.[a-z0-9-]+\.[a-z0-9-]+\/?$/);
          }
        }
        expect(served).toEqual(hosts);
        const files = new ConfigTree(root);
        files.prepare();
        const test = await runNginx({ binary: NGINX, root }, [
          "-t",
          "-q",
          "-c",
          files.write(generation, texts),
        ]);
        expect(test.output, test.output).toBe("");
        expect(test.ok).toBe(true);
        rmSync(config.dataDir, { recursive: true, force: true });
      }),
      { numRuns: 100 },
    );
    // The generators must reach nginx often, not only the validators.
    expect(validated).toBeGreaterThan(25);
  });
});

describe("data dirs", () => {
  it("a data dir nginx cannot name is refused at configuration time", () => {
    mkdirSync(join(scratch, "x"), { recursive: true });
    for (const bad of ['/tmp/a"b', "/tmp/a;b", "/tmp/a$b", "/tmp/a{b", "/tmp/a\\b", "/tmp/a#b"])
      expect(() => loadConfig({ env: { AIMS_DATA_DIR: bad } })).toThrow(/cannot hold the proxy's files/);
    expect(loadConfig({ env: { AIMS_DATA_DIR: '/tmp/a"b', AIMS_PROXY: "off" } }).proxy.enabled).toBe(false);
  });
});

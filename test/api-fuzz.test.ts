import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { INSTANCE_ACTIONS } from "../src/api/instanceActions.js";
import type { RouteSpec } from "../src/api/route.js";
import { apiRoutes } from "../src/api/routes/index.js";
import { type ApiFixture, type Credential, createApiFixture, PASSWORD } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";

/**
 * Fast-check over every route's path, query and body: nothing a client sends may cause a 5xx, and every
 * rejection is a 4xx with the one JSON error shape.
 */
let f: ApiFixture;
let t: TenantWorld;
/** The owner's key limited to the tenant, capped to viewer and narrowed to reads: no account scope. */
let narrowed: string;

beforeAll(async () => {
  f = await createApiFixture();
  t = await buildTenant(f, "fuzz");
  // What the operator's tenant actions (suspend, resume, delete) are fuzzed on, so "fuzz" stays as it is.
  await f.call("POST", "/v1/tenants", { as: { key: f.operatorKey }, body: { name: SPARE } });
  narrowed = (
    await f.call("POST", "/v1/keys", {
      as: t.owner.session,
      body: { name: "narrow", tenant: "fuzz", role: "viewer", scopes: ["tenant.read", "instance.read"] },
    })
  ).json().key;
});

/** A session of the owner's of its own, for routes that end sessions (so the others keep theirs). */
async function throwawaySession(): Promise<Credential> {
  const res = await f.app.inject({
    method: "POST",
    url: "/v1/sessions",
    payload: { email: "owner@fuzz.example", password: PASSWORD },
    // Not the address the sign-in fuzz fails from, so its throttling does not refuse this.
    remoteAddress: "10.0.0.1",
  });
  if (res.statusCode !== 201) return t.owner.session;
  return { cookie: res.cookies.find((c) => c.name === "aims_session")!.value, csrf: res.json().csrfToken };
}
afterAll(() => f.close());

/** A tenant without instances for the routes that act on a whole tenant. */
const SPARE = "fuzz-spare";
const actsOnWholeTenant = (route: RouteSpec) =>
  route.url === "/v1/tenants/:tenant"
    ? route.method === "DELETE"
    : /^\/v1\/tenants\/:tenant\/(suspend|resume)$/.test(route.url);

function keysOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: object };
  return Object.keys(json.properties ?? {});
}

const oddStrings = fc.constantFrom(
  "",
  " ",
  "..",
  "%00",
  "null",
  "-1",
  "1e309",
  "NaN",
  "true",
  "x".repeat(300),
  "ü✓",
  "<script>",
);
const anyString = fc.oneof(fc.string({ maxLength: 40 }), oddStrings);

function paramValue(name: string, route: RouteSpec): fc.Arbitrary<string> {
  // Never a real instance name: a valid action on a real instance would drive the container engine.
  const real: Record<string, string[]> = {
    tenant: actsOnWholeTenant(route) ? [SPARE, "nope"] : [t.name, "nope"],
    userId: [t.members.viewer.id],
    invitationId: [t.invitation.id],
    keyId: [t.serviceKey.id],
    action: Object.keys(INSTANCE_ACTIONS),
    plug: ["static-site"],
    name: ["no-such-instance"],
    approvalId: [t.approval.id],
    conversationId: [t.conversation.id],
    channelId: [t.webhook.id],
    plugName: [t.plug.name, "no-such-plug"],
    service: ["web"],
  };
  return fc.oneof(fc.constantFrom(...(real[name] ?? ["x"])), anyString);
}

function requestFor(route: RouteSpec) {
  const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const queryKeys = keysOf(route.query);
  const bodyKeys = keysOf(route.body);
  const example = JSON.parse(
    JSON.stringify(route.example?.body ?? {}).replaceAll("static-site", "no-such-plug"),
  ) as object;
  const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyString, fc.integer(), fc.boolean());
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom(...(bodyKeys.length ? bodyKeys : ["x"])), fc.string({ maxLength: 8 })),
      value,
      { maxKeys: 5 },
    ),
    fc
      .dictionary(fc.constantFrom(...(bodyKeys.length ? bodyKeys : ["x"])), value, { maxKeys: 3 })
      .map((d) => ({ ...example, ...d })),
  );
  const raw = fc.constantFrom("{", "[1,", '{"a":', "\u0000", "not json", "{}}");
  // Past the parser's depth bound (32): arrays, objects, or both, however deep.
  const deep = fc.record({
    depth: fc.integer({ min: 33, max: 20_000 }),
    open: fc.constantFrom("[", '{"a":', '[{"a":'),
  });
  return fc.record({
    params: fc.tuple(...params.map((name) => paramValue(name, route))),
    query: fc.dictionary(
      fc.oneof(fc.constantFrom(...(queryKeys.length ? queryKeys : ["q"])), fc.string({ maxLength: 8 })),
      anyString,
      { maxKeys: 4 },
    ),
    body: fc.oneof(
      { weight: 5, arbitrary: body.map((b) => ({ json: b })) },
      { weight: 1, arbitrary: raw.map((r) => ({ raw: r })) },
      { weight: 1, arbitrary: deep.map((d) => ({ deep: d })) },
    ),
    who: fc.constantFrom<"operator" | "owner" | "narrowed" | "none">(
      "operator",
      "operator",
      "owner",
      "narrowed",
      "none",
    ),
  });
}

/** `open` repeated `depth` times, closed again: `[[[1]]]`, `{"a":{"a":1}}`. */
function nested(open: string, depth: number): string {
  const close = open === "[" ? "]" : open === '{"a":' ? "}" : "}]";
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

describe("fuzz: every body and query", () => {
  for (const route of apiRoutes) {
    it(`${route.method} ${route.url}: never 5xx, every rejection in the error shape`, async () => {
      let i = 0;
      await fc.assert(
        fc.asyncProperty(requestFor(route), async (r) => {
          let url = route.url;
          for (const [n, v] of r.params.entries())
            url = url.replace(/:\w+/, encodeURIComponent(v || `p${n}`));
          const qs = new URLSearchParams(r.query).toString();
          const endsSessions = route.method === "DELETE" && route.url.startsWith("/v1/sessions");
          const as: Credential =
            r.who === "operator"
              ? { key: f.operatorKey }
              : r.who === "narrowed"
                ? { key: narrowed }
                : r.who === "owner"
                  ? endsSessions
                    ? await throwawaySession()
                    : t.owner.session
                  : undefined;
          const headers: Record<string, string> = {};
          if (as && "key" in as) headers.authorization = `Bearer ${as.key}`;
          if (as && "cookie" in as)
            Object.assign(headers, { cookie: `aims_session=${as.cookie}`, "x-csrf-token": as.csrf });
          if (route.method === "POST" && i++ % 3 === 0) headers["idempotency-key"] = `fuzz-${i % 5}`;
          const sendsBody = route.method !== "GET" && route.method !== "DELETE";
          const payload =
            "raw" in r.body
              ? r.body.raw
              : "deep" in r.body
                ? nested(r.body.deep.open, r.body.deep.depth)
                : JSON.stringify(r.body.json);
          const res = await f.app.inject({
            method: route.method,
            url: `${url}${qs ? `?${qs}` : ""}`,
            headers: { ...headers, ...(sendsBody ? { "content-type": "application/json" } : {}) },
            ...(sendsBody ? { payload } : {}),
          });
          expect(res.statusCode, `${route.method} ${url}?${qs}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          // Whatever else is wrong with the request, a key without the account scope is refused on account routes
          // (only a body the parser refuses — not JSON at all, nested too deep, or with a `__proto__` or
          // `constructor.prototype` key, which fastify's parser refuses as prototype poisoning — is refused first).
          // A path the router itself refuses (`..` normalised away, a URI too long) never reaches the route.
          const routed = !(res.statusCode === 414 || (res.statusCode === 404 && /"no route /.test(res.body)));
          if (
            route.scope === "account" &&
            r.who === "narrowed" &&
            routed &&
            !(sendsBody && parserRefuses(r.body))
          )
            expect(res.statusCode, `${route.method} ${url}: ${res.body.slice(0, 300)}`).toBe(403);
          // Refused at parse time, before authentication or any lookup (unless the router refused the URL first).
          if (sendsBody && "deep" in r.body && ![404, 414].includes(res.statusCode)) {
            expect(res.statusCode, res.body).toBe(400);
            expect(res.json().error.message).toMatch(/nested deeper than 32 levels/);
          }
          if (res.statusCode >= 400) {
            expect(res.statusCode).toBeGreaterThanOrEqual(400);
            expect(res.json()).toEqual({
              error: { code: expect.any(String), message: expect.any(String) },
              requestId: expect.stringMatching(/^req_/),
            });
          }
        }),
        { numRuns: 30 },
      );
    });
  }
});

/** True when the body parser refuses this body before any route logic runs. */
function parserRefuses(body: object): boolean {
  if ("raw" in body || "deep" in body) return true;
  const poisoned = (v: unknown): boolean =>
    typeof v === "object" &&
    v !== null &&
    Object.entries(v).some(
      ([k, inner]) =>
        k === "__proto__" ||
        (k === "constructor" && typeof inner === "object" && inner !== null && "prototype" in inner) ||
        poisoned(inner),
    );
  return "json" in body && poisoned((body as { json: unknown }).json);
}

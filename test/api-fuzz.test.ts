import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { INSTANCE_ACTIONS } from "../src/api/instanceActions.js";
import type { RouteSpec } from "../src/api/route.js";
import { apiRoutes } from "../src/api/routes/index.js";
import { type ApiFixture, type Credential, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";

/**
 * Fast-check over every route's path, query and body: nothing a client sends may cause a 5xx, and every
 * rejection is a 4xx with the one JSON error shape.
 */
let f: ApiFixture;
let t: TenantWorld;

beforeAll(async () => {
  f = await createApiFixture();
  t = await buildTenant(f, "fuzz");
});
afterAll(() => f.close());

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

function paramValue(name: string): fc.Arbitrary<string> {
  // Never a real instance name: a valid action on a real instance would drive the container engine.
  const real: Record<string, string[]> = {
    tenant: [t.name, "nope"],
    userId: [t.members.viewer.id],
    invitationId: [t.invitation.id],
    keyId: [t.serviceKey.id],
    action: Object.keys(INSTANCE_ACTIONS),
    plug: ["static-site"],
    name: ["no-such-instance"],
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
  return fc.record({
    params: fc.tuple(...params.map(paramValue)),
    query: fc.dictionary(
      fc.oneof(fc.constantFrom(...(queryKeys.length ? queryKeys : ["q"])), fc.string({ maxLength: 8 })),
      anyString,
      { maxKeys: 4 },
    ),
    body: fc.oneof(
      { weight: 5, arbitrary: body.map((b) => ({ json: b })) },
      { weight: 1, arbitrary: raw.map((r) => ({ raw: r })) },
    ),
    who: fc.constantFrom<"operator" | "owner" | "none">("operator", "operator", "owner", "none"),
  });
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
          const as: Credential =
            r.who === "operator" ? { key: f.operatorKey } : r.who === "owner" ? t.owner.session : undefined;
          const headers: Record<string, string> = {};
          if (as && "key" in as) headers.authorization = `Bearer ${as.key}`;
          if (as && "cookie" in as)
            Object.assign(headers, { cookie: `aims_session=${as.cookie}`, "x-csrf-token": as.csrf });
          if (route.method === "POST" && i++ % 3 === 0) headers["idempotency-key"] = `fuzz-${i % 5}`;
          const sendsBody = route.method !== "GET" && route.method !== "DELETE";
          const res = await f.app.inject({
            method: route.method,
            url: `${url}${qs ? `?${qs}` : ""}`,
            headers: { ...headers, ...(sendsBody ? { "content-type": "application/json" } : {}) },
            ...(sendsBody ? { payload: "raw" in r.body ? r.body.raw : JSON.stringify(r.body.json) } : {}),
          });
          expect(res.statusCode, `${route.method} ${url}?${qs}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
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

import { describe, expect, it } from "vitest";
import { ERROR_RESPONSES, errorResponsesOf } from "./errorResponses.js";
import type { RouteSpec } from "./route.js";
import { apiRoutes } from "./routes/index.js";

function route(method: RouteSpec["method"], url: string): RouteSpec {
  const found = apiRoutes.find((r) => r.method === method && r.url === url);
  if (!found) throw new Error(`no route ${method} ${url}`);
  return found;
}

const statuses = (r: RouteSpec) => errorResponsesOf(r).map((name) => ERROR_RESPONSES[name].status);

describe("the error answers of a route, from the route table", () => {
  it("give a public route without input only the refusal of a query it does not take", () => {
    expect(statuses(route("GET", "/healthz"))).toEqual([400]);
    expect(statuses(route("GET", "/readyz"))).toEqual([400, 503]);
  });

  it("give sign-in a 401 for a wrong password and a 429 when throttled, but no 403", () => {
    expect(statuses(route("POST", "/v1/sessions"))).toEqual([400, 401, 413, 415, 429]);
  });

  it("give deploys and actions everything the engine, the state and the plan can answer", () => {
    const everything = [400, 401, 403, 404, 409, 413, 415, 429, 500, 503];
    expect(statuses(route("POST", "/v1/tenants/:tenant/instances"))).toEqual(everything);
    expect(statuses(route("POST", "/v1/tenants/:tenant/instances/:name/actions/:action"))).toEqual(
      everything,
    );
  });

  it("give a move to another plan the plan's refusal", () => {
    expect(statuses(route("PATCH", "/v1/tenants/:tenant"))).toEqual([400, 401, 403, 404, 409, 413, 415, 429]);
  });

  it("answer 404 where the path, or a tenant in the query or body, names something", () => {
    expect(statuses(route("GET", "/v1/tenants"))).not.toContain(404);
    expect(statuses(route("GET", "/v1/instances"))).toContain(404);
    expect(statuses(route("POST", "/v1/keys"))).toContain(404);
    expect(statuses(route("DELETE", "/v1/keys/:keyId"))).toEqual([400, 401, 403, 404, 429]);
  });

  it("document at least one 4xx for every route", () => {
    for (const r of apiRoutes)
      expect(
        statuses(r).some((s) => s >= 400 && s < 500),
        `${r.method} ${r.url}`,
      ).toBe(true);
  });
});

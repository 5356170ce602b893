import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../src/api/routes/index.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";

let f: ApiFixture;
beforeAll(async () => {
  f = await createApiFixture();
});
afterAll(() => f.close());

describe("API description and plumbing", () => {
  it("documents every route of the table in /openapi.json and /docs", async () => {
    const doc = (await f.call("GET", "/openapi.json")).json() as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    const page = (await f.call("GET", "/docs")).body;
    for (const route of apiRoutes) {
      const path = route.url.replace(/:(\w+)/g, "{$1}");
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
      expect(page).toContain(path);
    }
  });

  it("answers health, readiness and metrics", async () => {
    expect((await f.call("GET", "/healthz")).json()).toEqual({ status: "ok" });
    expect((await f.call("GET", "/readyz")).json()).toEqual({ status: "ready" });
    const metrics = await f.call("GET", "/metrics");
    for (const name of [
      "aims_http_request_duration_seconds",
      "aims_instances",
      "aims_deploy_duration_seconds",
      "aims_reconcile_duration_seconds",
      "aims_port_pool_ports",
    ])
      expect(metrics.body).toContain(name);
    expect(metrics.body).toMatch(/aims_port_pool_ports\{kind="total"\} 100/);
  });

  it("gives unknown routes, bad JSON, wrong content types and missing credentials the one error shape", async () => {
    const shape = {
      error: { code: expect.any(String), message: expect.any(String) },
      requestId: expect.stringMatching(/^req_/),
    };
    const unknown = await f.call("GET", "/v1/nothing-here");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual(shape);
    const headers = { authorization: `Bearer ${f.operatorKey}`, "content-type": "application/json" };
    const badJson = await f.app.inject({ method: "POST", url: "/v1/tenants", headers, payload: "{" });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toEqual(shape);
    const text = await f.app.inject({
      method: "POST",
      url: "/v1/tenants",
      headers: { ...headers, "content-type": "application/xml" },
      payload: "<x/>",
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toEqual(shape);
    const anonymous = await f.call("GET", "/v1/tenants");
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(anonymous.headers["x-request-id"]).toBe(anonymous.json().requestId);
  });

  it("pages every list with an opaque cursor", async () => {
    const op = { key: f.operatorKey };
    for (const name of ["p-a", "p-b", "p-c", "p-d", "p-e"])
      await f.call("POST", "/v1/tenants", { as: op, body: { name } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ name: string }>; nextCursor: string | null } = (
        await f.call("GET", `/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { as: op })
      ).json();
      seen.push(...page.items.map((t: { name: string }) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["p-a", "p-b", "p-c", "p-d", "p-e"]);
    expect((await f.call("GET", "/v1/tenants?cursor=garbage", { as: op })).statusCode).toBe(400);
  });
});

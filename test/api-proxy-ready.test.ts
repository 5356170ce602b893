import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { freePort } from "./support/http.js";

/** An API with AIMS's own proxy on: a deploy answers "ready" only when its app is reachable through the proxy. */
let f: ApiFixture;
let proxyPort: number;
beforeAll(async () => {
  proxyPort = await freePort();
  f = await createApiFixture({
    ports: { min: 52880, max: 52899 },
    proxy: { enabled: true, port: proxyPort, tlsPort: await freePort(), workerProcesses: 1 },
  });
});
afterAll(async () => {
  await (await f.platform.reconciler()).proxy.stop();
  await f.close();
});

function viaProxy(host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: proxyPort, path, headers: { host }, agent: false },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("ready means reachable", () => {
  it("answers the deploy only once the proxy serves the app, not its 'is starting' page", async () => {
    const op = { key: f.operatorKey };
    expect((await f.call("POST", "/v1/tenants", { as: op, body: { name: "rdy" } })).statusCode).toBe(201);
    const deployed = await f.call("POST", "/v1/tenants/rdy/instances", {
      as: op,
      body: { plug: "static-site", name: "web", set: { SITE_TITLE: "Reachable" } },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    // The very next request through the proxy reaches the app.
    const first = await viaProxy("web.rdy.localhost", "/cgi-bin/info");
    expect(first.status).toBe(200);
    expect(first.body).toContain("title: Reachable");

    const history = await f.call("GET", "/v1/tenants/rdy/instances/web/history", { as: op });
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json()).toMatchObject({
      tenant: "rdy",
      name: "web",
      revisions: [{ revision: 1, outcome: "healthy", running: true }],
      lastFailure: null,
    });
  });
});

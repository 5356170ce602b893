import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAll } from "../src/lifecycle/instanceSecrets.js";
import { listSecrets } from "../src/store/instanceRepository.js";
import { objectsWithLabel } from "./support/aimsCli.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { get } from "./support/http.js";

/** One real deploy and delete through the API against the Docker engine (ports 52900-52999). */
let f: ApiFixture;
beforeAll(async () => {
  f = await createApiFixture();
});
afterAll(() => f.close());

describe("deploy and delete through the API", () => {
  it("deploys node-api for a tenant's member key, serves it, shows logs and events, then removes everything", async () => {
    const op = { key: f.operatorKey };
    expect((await f.call("POST", "/v1/tenants", { as: op, body: { name: "e2e" } })).statusCode).toBe(201);
    const key = (
      await f.call("POST", "/v1/tenants/e2e/keys", { as: op, body: { name: "deployer", role: "member" } })
    ).json().key as string;
    const as = { key };

    const deployed = await f.call("POST", "/v1/tenants/e2e/instances", {
      as,
      headers: { "idempotency-key": "deploy-api-1" },
      body: { plug: "node-api", name: "api" },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    const view = deployed.json() as { id: string; state: string; url: string };
    expect(view.state).toBe("ready");
    expect((await get(view.url)).status).toBe(200);
    const token = openAll(f.platform.masterKey, view.id, await listSecrets(f.platform.store.db, view.id))
      .API_TOKEN!;
    expect(token.length).toBeGreaterThan(10);

    const replay = await f.call("POST", "/v1/tenants/e2e/instances", {
      as,
      headers: { "idempotency-key": "deploy-api-1" },
      body: { plug: "node-api", name: "api" },
    });
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.json().id).toBe(view.id);

    const listed = await f.call("GET", "/v1/instances", { as });
    expect(listed.json().items.map((i: { id: string }) => i.id)).toEqual([view.id]);
    const logs = await f.call("GET", "/v1/tenants/e2e/instances/api/logs?tail=20", { as });
    expect(logs.statusCode).toBe(200);
    expect(logs.headers["content-type"]).toMatch(/^text\/plain/);
    const events = await f.call("GET", "/v1/tenants/e2e/instances/api/events", { as });
    expect(events.json().items.map((e: { type: string }) => e.type)).toContain("instance.created");
    const metrics = await f.call("GET", "/metrics");
    expect(metrics.body).toMatch(/aims_instances\{state="ready"\} 1/);
    expect(metrics.body).toMatch(/aims_deploy_duration_seconds_count\{result="ready"\} 1/);

    const removed = await f.call("DELETE", "/v1/tenants/e2e/instances/api", { as });
    expect(removed.statusCode, removed.body).toBe(200);
    const left = await objectsWithLabel(`aims.instance=${view.id}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
    expect((await f.call("GET", "/v1/tenants/e2e/instances/api", { as })).statusCode).toBe(404);

    // The generated secret never left the store: not in any answer, log line or event.
    const everything = [
      deployed.body,
      replay.body,
      listed.body,
      logs.body,
      events.body,
      removed.body,
      f.logs.join(""),
      JSON.stringify(await f.platform.store.db.selectFrom("events").selectAll().execute()),
    ].join("\n");
    expect(everything.includes(token)).toBe(false);
  });
});

import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue } from "../src/alerts/deliverOutbox.js";
import { evaluateAlerts } from "../src/alerts/evaluateAlerts.js";
import { verifyWebhook } from "../src/alerts/webhookSignature.js";
import { listEvents } from "../src/store/eventLog.js";
import { listInstances, updateInstanceState } from "../src/store/instanceRepository.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { storeInstance } from "./support/apiWorld.js";
import { type FakeTelegram, startFakeTelegram } from "./support/fakeTelegram.js";
import { TEST_STORE } from "./support/testStore.js";

/**
 * Alert channels through the API and the delivery outbox run in-process (what `aims serve` runs on a timer):
 * signed deliveries, retries with growing waits, giving up, the targets a tenant may not reach, Telegram, and
 * secrets that are shown once. The postgres project runs the same file on its own ports.
 */
const RECEIVER_PORT = TEST_STORE === "postgres" ? 58320 : 58292;
const TELEGRAM_PORT = TEST_STORE === "postgres" ? 58321 : 58293;
const TOKEN = "5151:outbox-test-token-abcdefghijklmnop";

let f: ApiFixture;
let receiver: Server;
let telegram: FakeTelegram;
/** The statuses the receiver answers with, in turn (204 once they run out). */
let answers: number[] = [];
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];

beforeAll(async () => {
  f = await createApiFixture({
    ports: { min: 58250, max: 58269 },
    alerts: {
      allowedWebhookHosts: ["127.0.0.1", "localhost"],
      telegramApiUrl: `http://127.0.0.1:${TELEGRAM_PORT}`,
      delivery: { firstRetryMs: 1000, maxRetryMs: 4000, maxAttempts: 3, timeoutMs: 2000 },
    },
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(RECEIVER_PORT, "127.0.0.1", done));
  telegram = await startFakeTelegram(TOKEN, TELEGRAM_PORT);
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((done) => receiver.close(done));
  await telegram.close();
  await f.close();
});

const op = { key: "" };
async function call(method: "GET" | "POST" | "DELETE", url: string, body?: unknown) {
  op.key = f.operatorKey;
  return f.call(method, url, { as: op, ...(body !== undefined ? { body } : {}) });
}
async function tenantWithWebhook(name: string, url = `http://127.0.0.1:${RECEIVER_PORT}/hook`) {
  expect((await call("POST", "/v1/tenants", { name })).statusCode).toBe(201);
  const hook = await call("POST", `/v1/tenants/${name}/webhooks`, { url });
  expect(hook.statusCode, hook.body).toBe(201);
  return hook.json() as { id: string; secret: string };
}
async function deliveries(tenant: string) {
  return (await call("GET", `/v1/tenants/${tenant}/alert-deliveries`)).json().items as Array<{
    id: string;
    status: string;
    attempts: number;
    nextAttemptAt: string | null;
    lastError: string | null;
    lastStatusCode: number | null;
  }>;
}

describe("alert evaluation over the store", () => {
  it("fires an OOM alert once, with its event and one delivery per channel in one go, and resolves it", async () => {
    const hook = await tenantWithWebhook("evalt");
    const id = await storeInstance(f.platform, "evalt", "web");
    const db = f.platform.store.db;
    const failure = {
      at: new Date().toISOString(),
      revision: 1,
      what: "container web-1",
      reason: "…",
      oomKilled: true,
    };
    await updateInstanceState(db, id, {
      observed_state: "degraded",
      failures: 1,
      last_failure: JSON.stringify(failure),
    });
    const tenants = new Map([[(await listInstances(db, {})).find((r) => r.id === id)!.tenant_id, "evalt"]]);
    const evaluate = async (now = Date.now()) =>
      evaluateAlerts(
        f.platform,
        (await listInstances(db, {})).filter((r) => r.id === id),
        tenants,
        () => ({ silentContainers: [] }),
        now,
      );
    expect(await evaluate()).toEqual({ fired: 1, resolved: 0 });
    expect(await evaluate()).toEqual({ fired: 0, resolved: 0 });
    // unhealthy waited (pending) and fires once it held alerts.unhealthyForMs.
    expect(await evaluate(Date.now() + 121_000)).toEqual({ fired: 1, resolved: 0 });
    const alerts = (await call("GET", "/v1/tenants/evalt/alerts")).json().items;
    expect(alerts.map((a: { rule: string; state: string }) => [a.rule, a.state]).sort()).toEqual([
      ["oom_killed", "firing"],
      ["unhealthy", "firing"],
    ]);
    await updateInstanceState(db, id, { observed_state: "ready", failures: 0, last_failure: null });
    expect(await evaluate()).toEqual({ fired: 0, resolved: 2 });
    expect(await evaluate()).toEqual({ fired: 0, resolved: 0 });
    const events = await listEvents(db, { types: ["alert."] });
    const mine = events.filter((e) => e.subject === id).map((e) => `${e.type} ${JSON.parse(e.data).rule}`);
    expect(mine.sort()).toEqual([
      "alert.firing oom_killed",
      "alert.firing unhealthy",
      "alert.resolved oom_killed",
      "alert.resolved unhealthy",
    ]);
    const log = await deliveries("evalt");
    expect(log.map((d) => d.status)).toEqual(["pending", "pending", "pending", "pending"]);
    // Not for the outbox tests below to send.
    expect((await call("DELETE", `/v1/tenants/evalt/webhooks/${hook.id}`)).statusCode).toBe(200);
  });
});

describe("resource alerts, given a samples window", () => {
  it("fires memory above its share of the limit once it held alerts.resourceForMs, and a full volume at once", async () => {
    expect((await call("POST", "/v1/tenants", { name: "res" })).statusCode).toBe(201);
    const id = await storeInstance(f.platform, "res", "db");
    const db = f.platform.store.db;
    await updateInstanceState(db, id, { observed_state: "ready" });
    const row = async () => (await listInstances(db, {})).filter((r) => r.id === id);
    const tenants = new Map([[(await row())[0]!.tenant_id, "res"]]);
    const window = { memoryPercentOfLimit: 97, cpuPercentOfLimit: 10, volumeBytes: { data: 11 * 1024 ** 3 } };
    const evaluate = async (resources: object | undefined, now = Date.now()) =>
      evaluateAlerts(
        f.platform,
        await row(),
        tenants,
        () => ({ silentContainers: [], ...(resources ? { resources } : {}) }),
        now,
      );
    expect(await evaluate(undefined)).toEqual({ fired: 0, resolved: 0 });
    expect(await evaluate(window)).toEqual({ fired: 1, resolved: 0 });
    expect(await evaluate(window, Date.now() + 301_000)).toEqual({ fired: 1, resolved: 0 });
    const alerts = (await call("GET", "/v1/tenants/res/alerts?firing=true")).json().items;
    expect(alerts.map((a: { rule: string; subject: string }) => `${a.rule} ${a.subject}`).sort()).toEqual([
      "memory_high ",
      "volume_full data",
    ]);
    expect(alerts.find((a: { rule: string }) => a.rule === "memory_high").reason).toMatch(
      /memory at 97% of its limit/,
    );
    expect(await evaluate({ memoryPercentOfLimit: 40 })).toEqual({ fired: 0, resolved: 2 });
  });
  it("reads the window from the resource samples: recent CPU and memory as a share of the limit, each volume's size", async () => {
    expect((await call("POST", "/v1/tenants", { name: "smp" })).statusCode).toBe(201);
    const id = await storeInstance(f.platform, "smp", "api");
    const db = f.platform.store.db;
    await updateInstanceState(db, id, { observed_state: "ready" });
    const [row] = (await listInstances(db, {})).filter((r) => r.id === id);
    const now = Date.now();
    const sample = (at: number, cpu: number, memory: number) => ({
      resolution: "raw" as const,
      at,
      tenant_id: row!.tenant_id,
      instance_id: id,
      service: "web",
      replica: 1,
      samples: 1,
      cpu_cores: cpu,
      cpu_cores_max: cpu,
      cpu_limit_cores: 0.5,
      memory_bytes: memory,
      memory_bytes_max: memory,
      memory_limit_bytes: 100 * 1024 ** 2,
      network_rx_bytes: 0,
      network_tx_bytes: 0,
      block_read_bytes: 0,
      block_write_bytes: 0,
      pids: 3,
    });
    // An old, idle reading outside the window, then two recent busy ones.
    await db
      .insertInto("resource_samples")
      .values([
        sample(now - 3_600_000, 0.01, 1024 ** 2),
        sample(now - 5_000, 0.45, 90 * 1024 ** 2),
        sample(now - 1_000, 0.47, 92 * 1024 ** 2),
      ])
      .execute();
    await db
      .insertInto("volume_usage")
      .values({
        volume: "aims-x-data",
        tenant_id: row!.tenant_id,
        instance_id: id,
        bytes: 5 * 1024 ** 3,
        at: now,
      })
      .execute();
    const { resourcesFromSamples } = await import("../src/alerts/resourcesFromSamples.js");
    const windows = await resourcesFromSamples(await f.platform.reconciler())([row!], now);
    const window = windows.get(id)!;
    expect(window.cpuPercentOfLimit).toBeCloseTo(92, 0);
    expect(window.memoryPercentOfLimit).toBeCloseTo(91, 0);
    expect(window.volumeBytes).toEqual({ "aims-x-data": 5 * 1024 ** 3 });
  });
});

describe("the alert outbox", () => {
  it("retries a failing receiver, each wait longer, until it answers; every attempt signed and logged", async () => {
    const hook = await tenantWithWebhook("retry");
    answers = [500, 503];
    const before = received.length;
    expect((await call("POST", "/v1/tenants/retry/alerts/test")).json()).toEqual({ channels: 1 });
    await deliverDue(f.platform);
    let [d] = await deliveries("retry");
    expect(d).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: 500,
      lastError: "receiver answered HTTP 500",
    });
    const firstWait = Date.parse(d!.nextAttemptAt!) - Date.now();
    // Not due yet: nothing is sent early.
    await deliverDue(f.platform);
    expect(received.length - before).toBe(1);
    await deliverDue(f.platform, Date.now() + 1500);
    [d] = await deliveries("retry");
    expect(d).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: 503 });
    expect(Date.parse(d!.nextAttemptAt!) - Date.now()).toBeGreaterThan(firstWait);
    await deliverDue(f.platform, Date.now() + 10_000);
    [d] = await deliveries("retry");
    expect(d).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 204, lastError: null });
    const attempts = received.slice(before);
    expect(attempts).toHaveLength(3);
    for (const a of attempts) {
      expect(a.headers["x-aims-delivery"]).toBe(d!.id);
      expect(a.headers["x-aims-event"]).toBe("alert.test");
      const ts = Number(a.headers["x-aims-timestamp"]);
      expect(verifyWebhook(hook.secret, ts, a.body, String(a.headers["x-aims-signature"]))).toBe(true);
    }
    expect(JSON.parse(attempts[0]!.body)).toMatchObject({ type: "alert.test", tenant: "retry", alert: null });
  });

  it("delivers to a host name the operator allows, resolved like any other", async () => {
    await tenantWithWebhook("named", `http://localhost:${RECEIVER_PORT}/hook`);
    const before = received.length;
    await call("POST", "/v1/tenants/named/alerts/test");
    await deliverDue(f.platform);
    const [d] = await deliveries("named");
    expect(d, JSON.stringify(d)).toMatchObject({ status: "delivered", lastStatusCode: 204 });
    expect(received.length).toBe(before + 1);
  });

  it("gives a delivery up after its last attempt", async () => {
    await tenantWithWebhook("giveup");
    answers = [500, 500, 500];
    await call("POST", "/v1/tenants/giveup/alerts/test");
    for (let i = 0; i < 4; i++) await deliverDue(f.platform, Date.now() + 60_000);
    const [d] = await deliveries("giveup");
    expect(d).toMatchObject({ status: "failed", attempts: 3, nextAttemptAt: null, lastStatusCode: 500 });
  });

  it("refuses at delivery a host name that resolves to this host, sending nothing", async () => {
    await tenantWithWebhook("rebind", `http://${hostname()}:${RECEIVER_PORT}/hook`);
    const before = received.length;
    await call("POST", "/v1/tenants/rebind/alerts/test");
    await deliverDue(f.platform);
    const [d] = await deliveries("rebind");
    expect(d!.lastError).toMatch(new RegExp(`webhook target refused: ${hostname()} resolves to`));
    expect(received.length).toBe(before);
  });

  it("shows a webhook's secret once, and removing it gives up what was pending", async () => {
    const hook = await tenantWithWebhook("secrets");
    const listed = await call("GET", "/v1/tenants/secrets/webhooks");
    expect(listed.json().items).toEqual([expect.objectContaining({ id: hook.id, kind: "webhook" })]);
    expect(listed.body).not.toContain(hook.secret);
    await call("POST", "/v1/tenants/secrets/alerts/test");
    const removed = await call("DELETE", `/v1/tenants/secrets/webhooks/${hook.id}`);
    expect(removed.statusCode).toBe(200);
    const [d] = await deliveries("secrets");
    expect(d).toMatchObject({ status: "failed", lastError: "channel removed" });
    expect((await call("DELETE", `/v1/tenants/secrets/webhooks/${hook.id}`)).statusCode).toBe(404);
    expect((await call("POST", "/v1/tenants/secrets/alerts/test")).json().error.message).toMatch(
      /no alert channel yet/,
    );
  });

  it("sends to a Telegram chat through the configured Bot API; the token is never shown", async () => {
    expect((await call("POST", "/v1/tenants", { name: "chat" })).statusCode).toBe(201);
    const bad = await call("POST", "/v1/tenants/chat/telegram-channels", { chatId: "12", botToken: "nope" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/botToken must be a bot token like/);
    const added = await call("POST", "/v1/tenants/chat/telegram-channels", {
      chatId: "-100123",
      botToken: TOKEN,
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.body).not.toContain(TOKEN);
    await call("POST", "/v1/tenants/chat/alerts/test");
    await deliverDue(f.platform);
    const sent = await telegram.waitForSent((m) => m.chat_id === -100123, 5000);
    expect(sent.text).toBe("[TEST] chat: AIMS alerts reach this channel");
    const log = await call("GET", "/v1/tenants/chat/alert-deliveries");
    expect(log.json().items[0]).toMatchObject({ status: "delivered", lastStatusCode: 200 });
    for (const url of ["/v1/tenants/chat/telegram-channels", "/v1/tenants/chat/alert-deliveries"])
      expect((await call("GET", url)).body).not.toContain(TOKEN.split(":")[1]);
    expect(f.logs.join("")).not.toContain(TOKEN.split(":")[1]);
  });

  it("sends nothing more for a deleted tenant: its channels go with it", async () => {
    await tenantWithWebhook("gone");
    await call("POST", "/v1/tenants/gone/alerts/test");
    const before = received.length;
    expect((await call("DELETE", "/v1/tenants/gone")).statusCode, "operator deletes it").toBeLessThan(300);
    await deliverDue(f.platform, Date.now() + 60_000);
    expect(received.length).toBe(before);
    const tenant = await f.platform.store.db
      .selectFrom("tenants")
      .select("id")
      .where("name", "=", "gone")
      .executeTakeFirstOrThrow();
    const rows = await f.platform.store.db
      .selectFrom("alert_deliveries")
      .selectAll()
      .where("tenant_id", "=", tenant.id)
      .execute();
    expect(rows.map((r) => [r.status, r.last_error])).toEqual([["failed", "tenant deleted"]]);
  });

  it("refuses a bad webhook with a message a person can act on, creating nothing", async () => {
    expect((await call("POST", "/v1/tenants", { name: "badhook" })).statusCode).toBe(201);
    for (const [url, message] of [
      ["ftp://x.example/", /must be an http:\/\/ or https:\/\/ URL/],
      ["https://u:p@x.example/", /must not carry a user name or password/],
      ["http://169.254.169.254/latest/meta-data/", /link-local address \(cloud metadata/],
      [`http://[::1]:${RECEIVER_PORT}/`, /loopback/],
    ] as const) {
      const res = await call("POST", "/v1/tenants/badhook/webhooks", { url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    expect((await call("GET", "/v1/tenants/badhook/webhooks")).json().items).toEqual([]);
  });
});

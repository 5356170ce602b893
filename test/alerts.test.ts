import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../src/alerts/webhookSignature.js";
import { createTestInstall } from "./support/aimsCli.js";
import { type FakeTelegram, startFakeTelegram } from "./support/fakeTelegram.js";
import { containersOf, eventTypes, psOne } from "./support/instances.js";

/**
 * Issue 19's alert acceptance on the real engine: a plug OOM-killed in a loop fires one OOM alert, which reaches
 * a local webhook receiver with a valid signature and a local Telegram Bot API; a delivery to a receiver that is
 * down waits in the outbox across an `aims serve` restart and arrives once the receiver is back.
 */
const ROOT = resolve(import.meta.dirname, "..");
const WEBHOOK_PORT = 58290;
const TELEGRAM_PORT = 58291;
const TOKEN = "4242:alerts-test-token-abcdefghijklmnop";

const install = await createTestInstall("58200-58249", {
  AIMS_CATALOG_DIRS: resolve(import.meta.dirname, "fixtures/alerts-catalog"),
  AIMS_RESTART_BACKOFF_MS: "200",
  AIMS_RESTART_MAX_RETRIES: "2",
  AIMS_RECONCILE_INTERVAL_MS: "500",
});
const configFile = join(install.dataDir, "config.yaml");
writeFileSync(
  configFile,
  [
    "alerts:",
    "  allowedWebhookHosts: ['127.0.0.1']",
    `  telegramApiUrl: http://127.0.0.1:${TELEGRAM_PORT}`,
    "  unhealthyForMs: 600000",
    "  zombieAfterMs: 2000",
    "  healthProbeIntervalMs: 300",
    "  delivery: { pollMs: 200, firstRetryMs: 300, maxRetryMs: 1000, timeoutMs: 2000 }",
    "",
  ].join("\n"),
);
const env = { AIMS_CONFIG: configFile };

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver on the test's port that records every request. */
function startReceiver(into: Received[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      into.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  return new Promise((done) => server.listen(WEBHOOK_PORT, "127.0.0.1", () => done(server)));
}
const closeServer = (s: Server) =>
  new Promise<void>((done) => {
    s.closeAllConnections();
    s.close(() => done());
  });

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve(fn()).catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; aims serve said:\n${output.slice(-3000)}`);
    await sleep(200);
  }
}

let serve: ChildProcess | undefined;
let output = "";
let api = "";
/** Starts `aims serve` and waits for its API. */
async function startServe(): Promise<void> {
  output = "";
  serve = spawn(process.execPath, [resolve(ROOT, "dist/cli/main.js"), "serve"], {
    env: { ...process.env, ...install.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  serve.stdout!.on("data", (d) => {
    output += d;
  });
  serve.stderr!.on("data", (d) => {
    output += d;
  });
  api = await waitFor("serve to start", () => /API at (http:\/\/\S+) /.exec(output)?.[1], 90_000);
}
async function stopServe(): Promise<void> {
  if (!serve || serve.exitCode !== null) return;
  const exited = new Promise((done) => serve!.once("exit", done));
  serve.kill("SIGTERM");
  await exited;
}

/** The parts of the API's answers this test reads. */
interface Answer {
  secret: string;
  error: { message: string };
  items: Array<{
    id: string;
    rule: string;
    event: string;
    attempts: number;
    status: string;
    lastError: string | null;
  }>;
}

async function call(method: string, path: string, body?: unknown) {
  const key = readFileSync(join(install.dataDir, "operator.key"), "utf8").trim();
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Answer };
}

const received: Received[] = [];
let receiver: Server;
let telegram: FakeTelegram;
let secret = "";

beforeAll(async () => {
  receiver = await startReceiver(received);
  telegram = await startFakeTelegram(TOKEN, TELEGRAM_PORT);
  await startServe();
  expect((await call("POST", "/v1/tenants", { name: "mon" })).status).toBe(201);
  const hook = await call("POST", "/v1/tenants/mon/webhooks", {
    url: `http://127.0.0.1:${WEBHOOK_PORT}/hook`,
  });
  expect(hook.status, JSON.stringify(hook.json)).toBe(201);
  secret = hook.json.secret;
  const chat = await call("POST", "/v1/tenants/mon/telegram-channels", { chatId: "777", botToken: TOKEN });
  expect(chat.status, JSON.stringify(chat.json)).toBe(201);
}, 180_000);
afterAll(async () => {
  await stopServe();
  await closeServer(receiver);
  await telegram.close();
  await install.cleanup();
});

const alertsOf = (rule: string, type: string) =>
  received
    .map((r) => ({ ...r, message: JSON.parse(r.body) }))
    .filter((r) => r.message.type === type && r.message.alert?.rule === rule);

describe("alerts on the real engine", () => {
  it("refuses a webhook that points at the control plane or a metadata address", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data",
      "http://localhost:7700/v1",
      "http://[::1]/x",
    ]) {
      const res = await call("POST", "/v1/tenants/mon/webhooks", { url });
      expect(res.status, url).toBe(400);
      expect(res.json.error.message).toMatch(/webhook target refused/);
    }
  });

  it("an OOM-killed plug fires one OOM alert: signed to the webhook, and to Telegram", async () => {
    const deployed = await install.run(["deploy", "memory-hog", "--tenant", "mon", "--name", "hog"], env);
    expect(deployed.code, deployed.stderr).toBe(0);
    const [hit] = await waitFor("the OOM alert at the webhook", () => {
      const found = alertsOf("oom_killed", "alert.firing");
      return found.length ? found : undefined;
    });
    const timestamp = Number(hit!.headers["x-aims-timestamp"]);
    expect(verifyWebhook(secret, timestamp, hit!.body, String(hit!.headers["x-aims-signature"]))).toBe(true);
    expect(verifyWebhook(`${secret}x`, timestamp, hit!.body, String(hit!.headers["x-aims-signature"]))).toBe(
      false,
    );
    expect(hit!.message.alert).toMatchObject({ tenant: "mon", instance: "hog", state: "firing" });
    expect(hit!.message.alert.reason).toMatch(/killed: out of memory; raise its memory limit/);
    const sent = await telegram.waitForSent((m) => /oom_killed/.test(m.text), 30_000);
    expect(sent).toMatchObject({ chat_id: 777 });
    expect(sent.text).toMatch(/\[FIRING\] mon\/hog: oom_killed/);
    // It OOMs again on every restart until the reconciler gives up: still one OOM alert.
    await waitFor("the reconciler to give up", async () =>
      (await psOne(install, "mon", "hog"))?.state === "failed" ? true : undefined,
    );
    await waitFor("the gave_up alert", () => (alertsOf("gave_up", "alert.firing").length ? true : undefined));
    expect(alertsOf("oom_killed", "alert.firing")).toHaveLength(1);
    expect(telegram.sent.filter((m) => /FIRING.*oom_killed/.test(m.text))).toHaveLength(1);
    const listed = await call("GET", "/v1/tenants/mon/alerts?firing=true");
    expect(listed.json.items.map((a) => a.rule).sort()).toEqual(["gave_up", "oom_killed"]);
  });

  it("restarts a zombie (running, health check silent), with an event and an alert that fires and resolves", async () => {
    const deployed = await install.run(["deploy", "zombie", "--tenant", "mon", "--name", "walker"], env);
    expect(deployed.code, deployed.stderr).toBe(0);
    const id = (await psOne(install, "mon", "walker"))!.id;
    const [first] = await containersOf(id);
    await waitFor("the zombie restart event", () =>
      eventTypes(install, id).includes("instance.zombie_restarted") ? true : undefined,
    );
    const [fired] = await waitFor("the zombie alert at the webhook", () => {
      const found = alertsOf("zombie", "alert.firing");
      return found.length ? found : undefined;
    });
    expect(fired!.message.alert.reason).toMatch(/runs but its health check has not answered for \d+ s/);
    await waitFor("the zombie alert to resolve", () =>
      alertsOf("zombie", "alert.resolved").length ? true : undefined,
    );
    const again = await waitFor("a new container", async () => {
      const [c] = await containersOf(id);
      return c && c.Id !== first!.Id && c.State.Running ? c : undefined;
    });
    expect(again.Id).not.toBe(first!.Id);
    // The restart is the reconciler healing a missing container, not a crash: no restart backoff, no failure.
    expect(eventTypes(install, id)).not.toContain("instance.degraded");
    const rm = await install.run(["rm", "walker", "--tenant", "mon", "--yes"], env);
    expect(rm.code, rm.stderr).toBe(0);
  });

  it("a delivery to a receiver that is down arrives after it is back, across an aims serve restart", async () => {
    await closeServer(receiver);
    const before = received.length;
    expect((await call("POST", "/v1/tenants/mon/alerts/test")).status).toBe(202);
    const hooks = (await call("GET", "/v1/tenants/mon/webhooks")).json.items;
    const failed = await waitFor("a failed attempt in the delivery log", async () => {
      const log = await call("GET", `/v1/tenants/mon/alert-deliveries?channel=${hooks[0]!.id}`);
      const test = log.json.items.find((d) => d.event === "alert.test");
      return test && test.attempts >= 1 && test.status === "pending" ? test : undefined;
    });
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    await stopServe();
    receiver = await startReceiver(received);
    await startServe();
    const test = await waitFor("the test message at the receiver", () =>
      received.slice(before).find((r) => JSON.parse(r.body).type === "alert.test"),
    );
    expect(test.headers["x-aims-delivery"]).toBe(failed.id);
    const log = await call("GET", `/v1/tenants/mon/alert-deliveries?channel=${hooks[0]!.id}`);
    expect(log.json.items.find((d) => d.id === failed.id)).toMatchObject({
      status: "delivered",
      lastStatusCode: 204,
    });
  });

  it("the CLI adds, lists and removes channels, shows alerts and the delivery log, and refuses bad input", async () => {
    const json = <T>(args: string[]) => install.json<T>(args, env);
    const hooksBefore = await json<unknown[]>(["webhooks", "list", "--tenant", "mon"]);
    const bad = await install.run(["webhooks", "add", "ftp://x.example/", "--tenant", "mon"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/<url> must be an http:\/\/ or https:\/\/ URL/);
    const metadata = await install.run(
      ["webhooks", "add", "http://169.254.169.254/", "--tenant", "mon"],
      env,
    );
    expect(metadata.code).toBe(2);
    expect(await json<unknown[]>(["webhooks", "list", "--tenant", "mon"])).toEqual(hooksBefore);

    const added = await install.run(
      ["webhooks", "add", "https://hooks.example.com/x", "--tenant", "mon", "--label", "ops"],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const secret = /signing secret \(shown once, keep it with the receiver\): (whsec_\S+)/.exec(
      added.stdout,
    )?.[1];
    expect(secret).toBeTruthy();
    const hooks = await json<Array<{ id: string; name: string }>>(["webhooks", "list", "--tenant", "mon"]);
    const ops = hooks.find((h) => h.name === "ops")!;
    expect(JSON.stringify(hooks)).not.toContain(secret!);
    expect((await install.run(["webhooks", "rm", ops.id, "--tenant", "mon"], env)).stdout).toMatch(
      /removed webhook/,
    );

    const token = "6161:cli-test-token-abcdefghijklmnopqrs";
    const telegramAdd = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(
        process.execPath,
        [
          resolve(ROOT, "dist/cli/main.js"),
          "alerts",
          "telegram",
          "add",
          "--tenant",
          "mon",
          "--chat-id",
          "555",
        ],
        {
          env: { ...process.env, ...install.env, ...env },
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      child.on("exit", (code) => done({ code, stdout, stderr }));
      child.stdin.end(`${token}\n`);
    });
    expect(telegramAdd.code, telegramAdd.stderr).toBe(0);
    expect(telegramAdd.stdout).toMatch(/added Telegram chat 555 as channel/);
    const chats = await install.run(["alerts", "telegram", "list", "--tenant", "mon"], env);
    expect(chats.stdout).toMatch(/555/);
    expect(chats.stdout).not.toContain(token.split(":")[1]);

    const firing = await install.run(["alerts", "list", "--tenant", "mon", "--firing"], env);
    expect(firing.stdout).toMatch(/hog\s+oom_killed\s+firing/);
    const log = await json<Array<{ status: string; event: string }>>([
      "webhooks",
      "deliveries",
      "--tenant",
      "mon",
    ]);
    expect(log.filter((d) => d.event === "alert.firing" && d.status === "delivered").length).toBeGreaterThan(
      0,
    );
    const test = await install.run(["alerts", "test", "--tenant", "mon"], env);
    expect(test.stdout).toMatch(/test message queued for 3 channel\(s\) of tenant mon/);
  });
});

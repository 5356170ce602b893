import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, objectsWithLabel } from "./support/aimsCli.js";
import { type FakeOpenAi, fakeAnswer, startFakeOpenAi } from "./support/fakeOpenAi.js";
import { type FakeTelegram, startFakeTelegram } from "./support/fakeTelegram.js";
import { hostAddressForContainers } from "./support/hostAddress.js";
import { get } from "./support/http.js";
import type { InstanceJson } from "./support/instances.js";

const install = await createTestInstall("52500-52549");
afterAll(() => install.cleanup());

describe("telegram-bot answers through the Bot API with a reply from an OpenAI-compatible model", () => {
  const token = "123456789:AAtest-token-for-aims-e2e";
  let telegram: FakeTelegram;
  let llm: FakeOpenAi;
  let bot: InstanceJson;
  const output: string[] = [];
  /** The inputs that point the bot at the fake Bot API and the fake model, reached at `host` from a container. */
  const settingsForFakes = (host: string) => [
    "--set",
    `TELEGRAM_BOT_TOKEN=${token}`,
    "--set",
    `TELEGRAM_API_BASE=http://${host}:${telegram.port}`,
    "--set",
    `LLM_BASE_URL=http://${host}:${llm.port}/v1`,
    "--set",
    "LLM_API_KEY=sk-local-test-key",
  ];

  beforeAll(async () => {
    [telegram, llm] = await Promise.all([startFakeTelegram(token), startFakeOpenAi()]);
    const host = await hostAddressForContainers();
    const r = await install.run([
      "deploy",
      "telegram-bot",
      "--tenant",
      "acme",
      "--name",
      "helper",
      ...settingsForFakes(host),
      "--set",
      "LLM_MODEL=tiny-test-model",
      "--json",
    ]);
    output.push(r.stdout, r.stderr);
    expect(r.code, r.stderr).toBe(0);
    bot = JSON.parse(r.stdout) as InstanceJson;
  });
  afterAll(async () => {
    await Promise.all([telegram?.close(), llm?.close()]);
  });

  it("is healthy once it has identified itself with getMe", async () => {
    expect(bot.state).toBe("ready");
    const health = JSON.parse((await get(`${bot.url}healthz`)).body);
    expect(health).toMatchObject({ ok: true, mode: "polling", bot: "aims_test_bot" });
    expect(telegram.calls).toContain("getMe");
  });

  it("replies to a user's message with the model's answer", async () => {
    const messageId = telegram.pushMessage(777, "What is the meaning of life?");
    const reply = await telegram.waitForSent((m) => m.chat_id === 777, 20_000);
    expect(reply).toEqual({
      chat_id: 777,
      text: fakeAnswer("What is the meaning of life?"),
      reply_to_message_id: messageId,
    });
    const request = llm.requests.at(-1)!;
    expect(request.authorization).toBe("Bearer sk-local-test-key");
    expect(request.model).toBe("tiny-test-model");
    expect(request.messages[0]).toMatchObject({ role: "system" });
    expect(request.messages.at(-1)).toEqual({ role: "user", content: "What is the meaning of life?" });
  });

  it("logs structured JSON lines and never its token", async () => {
    const logs = await install.run(["logs", "helper", "--tenant", "acme", "--tail", "100"]);
    const lines = logs.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(/^[^|]*\| /, ""));
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.some((l) => JSON.parse(l).msg === "reply sent")).toBe(true);
    for (const text of [logs.stdout, ...output]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain("sk-local-test-key");
    }
  });

  it("keeps the token and the API key encrypted and shows them only on explicit request", async () => {
    const refused = await install.run(["secrets", "show", "helper", "--tenant", "acme"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes-show-secrets/);
    const shown = await install.run([
      "secrets",
      "show",
      "helper",
      "--tenant",
      "acme",
      "--yes-show-secrets",
      "--json",
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(/warning: secrets printed in plain text/);
    const secrets = JSON.parse(shown.stdout).secrets as Array<{ key: string; origin: string; value: string }>;
    expect(secrets.map((s) => [s.key, s.origin])).toEqual([
      ["LLM_API_KEY", "input"],
      ["TELEGRAM_BOT_TOKEN", "input"],
      ["WEBHOOK_SECRET", "generated"],
    ]);
    expect(secrets.find((s) => s.key === "TELEGRAM_BOT_TOKEN")?.value).toBe(token);
    const events = await install.run(["events", "--type", "instance.secrets_viewed", "--json"]);
    expect(events.stdout).toMatch(/"keys":\["LLM_API_KEY","TELEGRAM_BOT_TOKEN","WEBHOOK_SECRET"\]/);
  });

  it("in webhook mode accepts updates only with the generated secret token", async () => {
    const host = await hostAddressForContainers();
    const hooked = await install.json<InstanceJson>([
      "deploy",
      "telegram-bot",
      "--tenant",
      "acme",
      "--name",
      "hooked",
      ...settingsForFakes(host),
      "--set",
      "BOT_MODE=webhook",
    ]);
    const shown = await install.json<{ secrets: Array<{ key: string; value: string }> }>([
      "secrets",
      "show",
      "hooked",
      "--tenant",
      "acme",
      "--yes-show-secrets",
    ]);
    const secret = shown.secrets.find((s) => s.key === "WEBHOOK_SECRET")!.value;
    const update = {
      update_id: 9001,
      message: { message_id: 5, date: 0, chat: { id: 888, type: "private" }, text: "ping?" },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`${hooked.url}webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(update),
      });
    expect((await post({ "x-telegram-bot-api-secret-token": "wrong" })).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": secret })).status).toBe(200);
    const reply = await telegram.waitForSent((m) => m.chat_id === 888, 20_000);
    expect(reply.text).toBe(fakeAnswer("ping?"));
  });
});

describe("agent-worker runs scheduled and webhook-triggered tasks and keeps its state across a restart", () => {
  let worker: InstanceJson;
  let token = "";
  const auth = () => ({ authorization: `Bearer ${token}` });

  interface Runs {
    runCount: number;
    starts: number;
    runs: Array<{ id: number; trigger: string; name: string }>;
  }
  const runs = async (): Promise<Runs> => {
    const res = await fetch(`${worker.url}runs`, { headers: auth() });
    expect(res.status).toBe(200);
    return (await res.json()) as Runs;
  };
  const waitForRuns = async (predicate: (r: Runs) => boolean, timeoutMs: number): Promise<Runs> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await runs();
      if (predicate(current)) return current;
      if (Date.now() > deadline) throw new Error(`runs never matched: ${JSON.stringify(current)}`);
      await sleep(300);
    }
  };

  beforeAll(async () => {
    worker = await install.json<InstanceJson>([
      "deploy",
      "agent-worker",
      "--tenant",
      "acme",
      "--name",
      "cron",
      "--set",
      "SCHEDULE=*/2 * * * * *",
      "--set",
      "TASK_NAME=digest",
    ]);
    const shown = await install.json<{ secrets: Array<{ key: string; value: string }> }>([
      "secrets",
      "show",
      "cron",
      "--tenant",
      "acme",
      "--yes-show-secrets",
    ]);
    token = shown.secrets.find((s) => s.key === "WEBHOOK_TOKEN")!.value;
  });

  it("runs the scheduled task", async () => {
    expect(worker.state).toBe("ready");
    const current = await waitForRuns((r) => r.runs.some((run) => run.trigger === "schedule"), 10_000);
    expect(current.runs.find((run) => run.trigger === "schedule")).toMatchObject({ name: "digest" });
  });

  it("runs a webhook-triggered task only with the bearer token", async () => {
    const denied = await fetch(`${worker.url}hooks/deploy-done`, { method: "POST", body: "{}" });
    expect(denied.status).toBe(401);
    const res = await fetch(`${worker.url}hooks/deploy-done`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ commit: "abc123" }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ trigger: "webhook", name: "deploy-done", ok: true });
  });

  it("keeps its run history across a restart and goes on counting", async () => {
    const before = await runs();
    const r = await install.run(["restart", "cron", "--tenant", "acme"]);
    expect(r.code, r.stderr).toBe(0);
    const after = await waitForRuns(
      (x) => x.starts === before.starts + 1 && x.runCount > before.runCount,
      15_000,
    );
    expect(after.runs.map((run) => run.id)).toEqual(expect.arrayContaining(before.runs.map((run) => run.id)));
    expect(after.runs.some((run) => run.trigger === "webhook" && run.name === "deploy-done")).toBe(true);
    const { volumes } = await objectsWithLabel(`aims.instance=${worker.id}`);
    expect(volumes).toHaveLength(1);
  });
});

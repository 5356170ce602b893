import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TurnView } from "../src/ai/chat/turnView.js";
import { type ApiServer, createApiServer, ensureOperatorKey } from "../src/api/server.js";
import type { ApprovalView } from "../src/approvals/approvalView.js";
import { loadConfig } from "../src/config.js";
import { createPlatform, type Platform } from "../src/platform.js";
import { insertTenant } from "../src/store/tenantRepository.js";
import { createTestInstall, type TestInstall } from "./support/aimsCli.js";
import { storeInstance } from "./support/apiWorld.js";
import { onTerminal, SCRIPT } from "./support/terminal.js";

/**
 * `aims chat` and `aims approvals`, on the host and through the API, on one install whose tenant `acme` has a
 * stored instance `web` (no containers: the turns here read, ask, route a domain, or do nothing).
 */
let install: TestInstall;
let platform: Platform;
let app: ApiServer;
let url: string;
let operatorKey: string;

beforeAll(async () => {
  install = await createTestInstall("54950-54999", { AIMS_PROXY: "off" });
  platform = await createPlatform(loadConfig({ env: install.env }));
  await insertTenant(platform.store.db, { name: "acme", plan: "team" });
  await storeInstance(platform, "acme", "web");
  const { readFileSync } = await import("node:fs");
  operatorKey = readFileSync((await ensureOperatorKey(platform)).path, "utf8").trim();
  app = await createApiServer(platform);
  url = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app.close();
  await platform.close();
  await install.cleanup();
});

const chat = (args: string[], env?: Record<string, string>) =>
  install.json<TurnView>(["chat", ...args, "--tenant", "acme"], env);

describe("aims chat on the host", () => {
  it("answers a read at once, with the stable turn object", async () => {
    const turn = await chat(["what's running?"]);
    expect(turn).toMatchObject({
      conversation: expect.any(String),
      actions: [
        { tool: "instance.list", args: {}, risk: "read", status: "done", approvalId: null, error: null },
      ],
      question: null,
      options: [],
      approvalId: null,
      refusal: null,
      dryRun: false,
    });
    expect(turn.reply).toMatch(/web \(static-site\): ready/);
  });

  it("--dry-run says what would happen and asks, runs and stores nothing", async () => {
    const before = await install.json<ApprovalView[]>(["approvals", "list", "--tenant", "acme"]);
    const turn = await chat(["stop web", "--dry-run"]);
    expect(turn.dryRun).toBe(true);
    expect(turn.conversation).toBeNull();
    expect(turn.actions).toEqual([
      expect.objectContaining({ tool: "instance.stop", status: "planned", approvalId: null }),
    ]);
    expect(turn.actions[0]!.say).toMatch(/^Would stop instance web/);
    expect(await install.json<ApprovalView[]>(["approvals", "list", "--tenant", "acme"])).toEqual(before);
  });

  it("asks for approval, and the host's yes in the same conversation runs it once", async () => {
    const asked = await chat(["route shop.example.com to web"]);
    expect(asked.actions).toEqual([
      expect.objectContaining({ tool: "domain.add", status: "awaiting_approval", risk: "change" }),
    ]);
    const pending = await install.json<ApprovalView[]>([
      "approvals",
      "list",
      "--tenant",
      "acme",
      "--status",
      "pending",
    ]);
    expect(pending.map((a) => a.id)).toContain(asked.approvalId);
    const shown = await install.run(["approvals", "show", asked.approvalId!, "--tenant", "acme"]);
    expect(shown.stdout).toMatch(/Route the domain shop\.example\.com to web/);
    expect(shown.stdout).toMatch(/asked by \S+ \(on the host\) \(cli:/);

    const yes = await chat(["yes", "--conversation", asked.conversation!]);
    expect(yes.actions).toEqual([expect.objectContaining({ tool: "domain.add", status: "done" })]);
    const done = await install.json<ApprovalView>([
      "approvals",
      "show",
      asked.approvalId!,
      "--tenant",
      "acme",
    ]);
    expect(done).toMatchObject({ status: "done", decidedBy: expect.stringMatching(/^cli:/) });
    // A second yes finds nothing left to decide.
    const again = await chat(["yes", "--conversation", asked.conversation!]);
    expect(again.reply).toMatch(/Nothing is waiting/);
  });

  it("aims approvals deny decides on the host: nothing runs", async () => {
    const asked = await chat(["route deny.example.com to web"]);
    const denied = await install.run([
      "approvals",
      "deny",
      asked.approvalId!,
      "--tenant",
      "acme",
      "--reason",
      "no",
    ]);
    expect(denied.code, denied.stderr).toBe(0);
    expect(denied.stdout).toMatch(/denied .*nothing ran/);
    const replay = await install.run(["approvals", "approve", asked.approvalId!, "--tenant", "acme"]);
    expect(replay.code).toBe(4);
    expect(replay.stderr).toMatch(/already decided \(denied\)/);
  });

  it("aims approvals policy shows and sets the policy within the plan", async () => {
    expect(await install.json(["approvals", "policy", "--tenant", "acme"])).toMatchObject({
      policy: "all",
      effective: "all",
      plan: "team",
      approvalsOffAllowed: false,
    });
    const none = await install.run(["approvals", "policy", "none", "--tenant", "acme"]);
    expect(none.code).toBe(7);
    expect(none.stderr).toMatch(/plan team does not allow turning approvals off/);
    expect(await install.json(["approvals", "policy", "risky", "--tenant", "acme"])).toMatchObject({
      policy: "risky",
    });
    // Under risky, a change runs at once (and a domain route needs no container).
    const now = await chat(["route risky.example.com to web"]);
    expect(now.actions).toEqual([
      expect.objectContaining({ tool: "domain.add", status: "done", approvalId: null }),
    ]);
    await install.json(["approvals", "policy", "all", "--tenant", "acme"]);
  });

  it.skipIf(!SCRIPT)("runs an interactive session on a terminal", async () => {
    const { code, output } = await onTerminal(
      install.env,
      ["chat", "--tenant", "acme"],
      ["what's running?", "exit"],
      /you> /g,
    );
    expect(code, output).toBe(0);
    expect(output).toMatch(/web \(static-site\): ready/);
  });
});

describe("aims chat through the API", () => {
  it("streams a turn, and refuses a decision by an ordinary key", async () => {
    const created = await fetch(`${url}/v1/tenants/acme/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${operatorKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "chat", role: "admin" }),
    });
    const key = ((await created.json()) as { key: string }).key;
    const remote = { AIMS_URL: url, AIMS_API_KEY: key };
    const read = await chat(["what's running?"], remote);
    expect(read.actions[0]).toMatchObject({ tool: "instance.list", status: "done" });
    const plain = await install.run(["chat", "what's running?", "--tenant", "acme"], remote);
    expect(plain.stdout).toMatch(/web \(static-site\): ready/);

    const asked = await chat(["route remote.example.com to web"], remote);
    expect(asked.actions[0]!.status).toBe("awaiting_approval");
    const yes = await chat(["yes", "--conversation", asked.conversation!], remote);
    expect(yes.actions[0]).toMatchObject({ status: "refused", error: { code: "forbidden" } });
    const approve = await install.run(
      ["approvals", "approve", asked.approvalId!, "--tenant", "acme"],
      remote,
    );
    expect(approve.code).toBe(7);
    expect(approve.stderr).toMatch(/approvals:decide/);
    expect(
      (await install.json<ApprovalView>(["approvals", "show", asked.approvalId!, "--tenant", "acme"])).status,
    ).toBe("pending");
  });
});

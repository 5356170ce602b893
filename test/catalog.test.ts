import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog/loadCatalog.js";
import { parseImageRef, parseMemory } from "../src/domain/manifest.js";
import { declaresAllResources } from "../src/domain/sizedPlug.js";
import { createTestInstall } from "./support/aimsCli.js";

const ROOT = resolve(import.meta.dirname, "..");
const GOLDEN = join(import.meta.dirname, "golden/dry-run");
const catalog = loadCatalog([join(ROOT, "catalog")]);
const install = await createTestInstall("52400-52419");
afterAll(() => install.cleanup());

const MiB = 1024 * 1024;
/** Answers for the inputs that have no default, so every plug can be planned. */
const REQUIRED_ANSWERS: Record<string, string[]> = {
  "telegram-bot": ["TELEGRAM_BOT_TOKEN=123456789:AAgolden-token-value", "LLM_API_KEY=sk-golden"],
  "open-webui": ["OPENAI_API_KEY=sk-golden"],
};

describe("the catalog", () => {
  it("has at least 15 valid plugs covering every category", () => {
    expect(catalog.entries.length).toBeGreaterThanOrEqual(15);
    expect(new Set(catalog.entries.map((e) => e.plug.category))).toEqual(
      new Set(["tool", "agent", "platform", "bot", "database"]),
    );
    for (const id of [
      "n8n",
      "open-webui",
      "litellm",
      "llm-tenant",
      "flowise",
      "uptime-kuma",
      "postgres",
      "redis",
      "static-site",
    ])
      expect(() => catalog.get(id)).not.toThrow();
  });

  it("pins every upstream image and cites the upstream documentation and version", () => {
    for (const { plug } of catalog.entries) {
      const upstream = plug.services.filter((s) => s.image);
      for (const svc of upstream) {
        const { tag } = parseImageRef(svc.image!);
        expect(tag, `${plug.id}/${svc.name}`).toMatch(/\d/);
      }
      if (upstream.length) {
        expect(plug.source?.docs, plug.id).toMatch(/^https:\/\//);
        expect(plug.source?.upstreamVersion, plug.id).toBeTruthy();
      }
    }
  });

  it("gives every service a health check and every input a question", () => {
    for (const { plug } of catalog.entries) {
      for (const svc of plug.services) expect(svc.health, `${plug.id}/${svc.name}`).toBeDefined();
      for (const input of plug.inputs)
        expect(input.question.endsWith("?"), `${plug.id} ${input.key}`).toBe(true);
    }
  });

  it("declares every resource of every service, so no plan's defaults change how a built-in plug renders", () => {
    for (const { plug } of catalog.entries) expect(declaresAllResources(plug), plug.id).toBe(true);
  });

  it("follows the operator resource profiles", () => {
    const total = (id: string) => {
      const services = catalog.get(id).plug.services;
      return {
        cpu: services.reduce((n, s) => n + s.resources!.cpu!, 0),
        memory: services.reduce((n, s) => n + s.resources!.memory!, 0),
      };
    };
    // small agent / bot: 0.25-0.5 CPU, 256-512 MB
    for (const id of ["telegram-bot", "agent-worker"]) {
      const t = total(id);
      expect(t.cpu, id).toBeGreaterThanOrEqual(0.25);
      expect(t.cpu, id).toBeLessThanOrEqual(0.5);
      expect(t.memory, id).toBeGreaterThanOrEqual(256 * MiB);
      expect(t.memory, id).toBeLessThanOrEqual(512 * MiB);
    }
    // agent: 0.5-1 CPU, 0.5-1 GB
    for (const id of ["flowise", "n8n"]) {
      const t = total(id);
      expect(t.cpu, id).toBeGreaterThanOrEqual(0.5);
      expect(t.cpu, id).toBeLessThanOrEqual(1);
      expect(t.memory, id).toBeGreaterThanOrEqual(parseMemory("512m"));
      expect(t.memory, id).toBeLessThanOrEqual(parseMemory("1g"));
    }
    // LLM stack: 2 CPU, 3-6 GB
    const llm = total("llm-tenant");
    expect(llm.cpu).toBe(2);
    expect(llm.memory).toBeGreaterThanOrEqual(parseMemory("3g"));
    expect(llm.memory).toBeLessThanOrEqual(parseMemory("6g"));
  });

  it("wires the LLM tenant stack: Open WebUI talks to LiteLLM by service name, after LiteLLM and its database are healthy", () => {
    const { plug } = catalog.get("llm-tenant");
    const byName = Object.fromEntries(plug.services.map((s) => [s.name, s]));
    expect(byName.litellm?.dependsOn).toEqual(["db"]);
    expect(byName.webui?.dependsOn).toEqual(["litellm"]);
    expect(byName.webui?.env.OPENAI_API_BASE_URL).toBe("http://litellm:4000/v1");
    expect(byName.webui?.env.OPENAI_API_KEY).toBe(`sk-\${secrets.LITELLM_MASTER_KEY}`);
    expect(byName.litellm?.env.LITELLM_MASTER_KEY).toBe(`sk-\${secrets.LITELLM_MASTER_KEY}`);
    expect(byName.db?.ports.every((p) => !p.public)).toBe(true);
  });
});

describe("aims catalog list and show", () => {
  it("filters by category and by search words", async () => {
    const all = await install.json<Array<{ id: string }>>(["catalog", "list"]);
    expect(all.length).toBe(catalog.entries.length);
    const databases = await install.json<Array<{ id: string }>>([
      "catalog",
      "list",
      "--category",
      "database",
    ]);
    expect(databases.map((p) => p.id)).toEqual(["postgres", "qdrant", "redis"]);
    const found = await install.json<Array<{ id: string }>>([
      "catalog",
      "list",
      "--search",
      "openai-compatible gateway",
    ]);
    expect(found.map((p) => p.id)).toEqual(["litellm", "llm-tenant"]);
    const bad = await install.run(["catalog", "list", "--category", "games"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--category must be one of: tool, agent, platform, bot, database/);
  });

  it("shows a plug's intake questions with their types, defaults and help", async () => {
    const r = await install.run(["catalog", "show", "telegram-bot"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /TELEGRAM_BOT_TOKEN \(secret, stored encrypted\) \(required\): Bot token from @BotFather\?/,
    );
    expect(r.stdout).toMatch(/BOT_MODE \(enum: polling\|webhook\) \[default: polling\]/);
    expect(r.stdout).toMatch(/Polling needs no public URL/);
  });
});

/**
 * A dry-run plan with what differs between installs normalised: the install tag in object names, and host
 * ports (whatever is free at that moment; another process may briefly hold one).
 */
function normalise(plan: string, installTag: string): unknown {
  let n = 0;
  const ports = new Map<string, string>();
  const text = plan
    .replaceAll(`aims-${installTag}-`, "aims-<install>-")
    .replace(/"host": (\d+)/g, (_m, port: string) => {
      if (!ports.has(port)) ports.set(port, `<host-port-${++n}>`);
      return `"host": "${ports.get(port)}"`;
    });
  return JSON.parse(text);
}

describe("golden dry-run plans", () => {
  it.each(catalog.entries.map((e) => e.plug.id))(
    "%s renders deterministically and as recorded",
    async (id) => {
      const args = [
        "deploy",
        id,
        "--tenant",
        "acme",
        "--name",
        "demo",
        "--dry-run",
        "--json",
        ...(REQUIRED_ANSWERS[id] ?? []).flatMap((a) => ["--set", a]),
      ];
      // The recorded plan is the determinism check: an earlier run, another install, the same plan.
      const first = await install.run(args);
      expect(first.code, first.stderr).toBe(0);
      const network = (JSON.parse(first.stdout) as { plan: { network: string } }).plan.network;
      const installTag = /^aims-([a-z0-9]+)-acme-demo$/.exec(network)?.[1];
      expect(installTag, network).toBeTruthy();
      const plan = normalise(first.stdout, installTag!);
      const file = join(GOLDEN, `${id}.json`);
      // UPDATE_GOLDEN=1 rewrites the recorded plans after an intended change to a manifest or to rendering.
      if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
      }
      expect(plan).toEqual(JSON.parse(readFileSync(file, "utf8")));
      for (const answer of REQUIRED_ANSWERS[id] ?? [])
        expect(first.stdout).not.toContain(answer.split("=")[1]);
    },
  );
});

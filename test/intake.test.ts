import { afterAll, describe, expect, it } from "vitest";
import { createTestInstall, installationId, objectsWithLabel, rowCounts } from "./support/aimsCli.js";
import { SCRIPT, onTerminal as typeOnTerminal } from "./support/terminal.js";

const install = await createTestInstall("52420-52439");
afterAll(() => install.cleanup());

const nothing = { tenants: 0, instances: 0, allocations: 0, instance_secrets: 0 };
const BOT = ["deploy", "telegram-bot", "--tenant", "acme", "--name", "bot"];
const TOKEN = ["--set", "TELEGRAM_BOT_TOKEN=123456789:AAvalid-looking-token", "--set", "LLM_API_KEY=sk-x"];

async function expectNothingCreated() {
  expect(rowCounts(install.dataDir)).toEqual(nothing);
  const id = installationId(install.dataDir);
  if (id) {
    const left = await objectsWithLabel(`aims.installation=${id}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
  }
}

describe("invalid intake answers are refused before anything is created", () => {
  it.each([
    [
      "wrong type",
      ["deploy", "redis", "--tenant", "acme", "--name", "r", "--set", "MAXMEMORY_MB=lots"],
      /MAXMEMORY_MB must be a whole number/,
    ],
    [
      "out of range",
      ["deploy", "redis", "--tenant", "acme", "--name", "r", "--set", "MAXMEMORY_MB=4096"],
      /MAXMEMORY_MB must be between 16 and 200/,
    ],
    [
      "not one of the choices",
      ["deploy", "redis", "--tenant", "acme", "--name", "r", "--set", "EVICTION_POLICY=random"],
      /EVICTION_POLICY must be one of: noeviction, allkeys-lru, volatile-lru/,
    ],
    [
      "bad URL",
      [...BOT, ...TOKEN, "--set", "LLM_BASE_URL=ftp://models.example.com"],
      /LLM_BASE_URL must be an http\(s\) URL/,
    ],
    [
      "not a URL",
      [...BOT, ...TOKEN, "--set", "WEBHOOK_URL=bot.example.com/hook"],
      /WEBHOOK_URL must be an http\(s\) URL/,
    ],
    [
      "missing required",
      [...BOT, "--set", "LLM_API_KEY=sk-x"],
      /input TELEGRAM_BOT_TOKEN is required: Bot token from @BotFather\?/,
    ],
    [
      "secret too short",
      [...BOT, "--set", "TELEGRAM_BOT_TOKEN=short", "--set", "LLM_API_KEY=sk-x"],
      /TELEGRAM_BOT_TOKEN must be at least 20 characters/,
    ],
    [
      "pattern",
      ["deploy", "postgres", "--tenant", "acme", "--name", "db", "--set", "POSTGRES_DB=drop table;"],
      /POSTGRES_DB must match the pattern/,
    ],
    [
      "unknown input",
      ["deploy", "redis", "--tenant", "acme", "--name", "r", "--set", "PASSWORD=x"],
      /unknown input PASSWORD for plug redis/,
    ],
  ] as const)("%s", async (_what, args, message) => {
    const r = await install.run([...args]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(message);
    await expectNothingCreated();
  });

  it("reports every problem at once", async () => {
    const r = await install.run([...BOT, "--set", "LLM_BASE_URL=nope", "--set", "BOT_MODE=carrier-pigeon"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TELEGRAM_BOT_TOKEN is required/);
    expect(r.stderr).toMatch(/LLM_BASE_URL must be an http\(s\) URL/);
    expect(r.stderr).toMatch(/BOT_MODE must be one of: polling, webhook/);
    await expectNothingCreated();
  });
});

/** Runs the CLI on a pseudo-terminal, typing `lines` one by one as the questions ("KEY: question? ...") appear. */
function onTerminal(args: string[], lines: string[]): Promise<{ code: number; output: string }> {
  return typeOnTerminal(install.env, args, lines, /[A-Z][A-Z0-9_]{2,}: [^\n]*\?/g);
}

describe.skipIf(!SCRIPT)("on a terminal, aims deploy asks the intake questions", () => {
  it("asks what --set did not answer, re-asks an invalid answer, hides secrets, then plans", async () => {
    const r = await onTerminal(
      [
        "deploy",
        "telegram-bot",
        "--tenant",
        "acme",
        "--name",
        "bot",
        "--dry-run",
        "--json",
        "--set",
        "LLM_MODEL=m1",
      ],
      [
        "123456789:AAtyped-on-terminal",
        "ftp://no",
        "http://llm.internal:4000/v1",
        "sk-typed",
        "",
        "",
        "",
        "",
        "",
      ],
    );
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/TELEGRAM_BOT_TOKEN: Bot token from @BotFather\?/);
    expect(r.output).toMatch(/LLM_BASE_URL must be an http\(s\) URL/);
    expect(r.output).not.toMatch(/LLM_MODEL: /);
    expect(r.output).not.toContain("123456789:AAtyped-on-terminal");
    expect(r.output).not.toContain("sk-typed");
    expect(r.output).toContain('"LLM_BASE_URL": "http://llm.internal:4000/v1"');
    expect(r.output).toContain('"LLM_MODEL": "m1"');
    expect(r.output).toContain('"TELEGRAM_BOT_TOKEN": "<secret:TELEGRAM_BOT_TOKEN>"');
    await expectNothingCreated();
  });

  it("--no-input asks nothing and keeps the non-terminal behaviour", async () => {
    const r = await onTerminal(
      ["deploy", "telegram-bot", "--tenant", "acme", "--name", "bot", "--dry-run", "--no-input"],
      [],
    );
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/input TELEGRAM_BOT_TOKEN is required/);
    expect(r.output).not.toMatch(/questions before deploying/);
  });
});

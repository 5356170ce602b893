import { describe, expect, it } from "vitest";
import { plugSchema } from "../domain/manifest.js";
import { askIntake, type IntakePrompter, promptFor } from "./intake.js";

const plug = plugSchema.parse({
  apiVersion: "aims.dev/v1",
  kind: "Plug",
  id: "bot",
  version: "1.0.0",
  name: "Bot",
  category: "bot",
  inputs: [
    { key: "TOKEN", type: "secret", question: "Token?", minLength: 10 },
    { key: "WORKERS", type: "int", question: "Workers?", min: 1, max: 4, default: 2 },
    { key: "MODE", type: "enum", question: "Mode?", values: ["polling", "webhook"], default: "polling" },
    { key: "HOOK", type: "url", question: "Webhook URL?", required: false, help: "Only for webhooks." },
  ],
  services: [{ name: "bot", image: "example/bot:1.0.0" }],
});

/** A prompter that answers from a script and records what it was asked and told. */
function scripted(answers: string[]) {
  const asked: Array<{ prompt: string; secret: boolean }> = [];
  const said: string[] = [];
  const prompter: IntakePrompter = {
    ask: async (prompt, { secret }) => {
      asked.push({ prompt, secret });
      const next = answers.shift();
      if (next === undefined) throw new Error(`unexpected question: ${prompt}`);
      return next;
    },
    say: (text) => said.push(text),
    close: () => {},
  };
  return { prompter, asked, said };
}

describe("askIntake", () => {
  it("asks only what --set did not answer; Enter takes the default or skips an optional input", async () => {
    const { prompter, asked } = scripted(["", "", ""]);
    const answers = await askIntake(plug, { TOKEN: "0123456789abc" }, prompter);
    expect(answers).toEqual({ TOKEN: "0123456789abc", WORKERS: "2", MODE: "polling" });
    expect(asked.map((a) => a.prompt)).toEqual([
      "WORKERS: Workers? (1-4) [2] ",
      "MODE: Mode? (polling/webhook) [polling] ",
      "HOOK: Webhook URL? (http/https URL) (optional, Enter to skip) ",
    ]);
  });

  it("hides secret answers and asks again after an invalid one, saying why", async () => {
    const { prompter, asked, said } = scripted([
      "short",
      "0123456789abc",
      "9",
      "3",
      "carrier-pigeon",
      "webhook",
      "ftp://x",
      "https://bot.example.com/webhook",
    ]);
    const answers = await askIntake(plug, {}, prompter);
    expect(answers).toEqual({
      TOKEN: "0123456789abc",
      WORKERS: "3",
      MODE: "webhook",
      HOOK: "https://bot.example.com/webhook",
    });
    expect(asked[0]?.secret).toBe(true);
    expect(asked.slice(2).every((a) => !a.secret)).toBe(true);
    expect(said).toEqual(
      expect.arrayContaining([
        "  TOKEN must be at least 10 characters\n",
        "  WORKERS must be between 1 and 4\n",
        "  MODE must be one of: polling, webhook\n",
        "  HOOK must be an http(s) URL\n",
        "  Only for webhooks.\n",
      ]),
    );
  });

  it("gives up after three invalid answers, before anything is created", async () => {
    const { prompter } = scripted(["", "", ""]);
    await expect(askIntake(plug, {}, prompter)).rejects.toThrow(
      /no valid answer for input TOKEN after 3 tries/,
    );
  });

  it("asks nothing when every input was answered", async () => {
    const { prompter, asked } = scripted([]);
    const given = { TOKEN: "0123456789abc", WORKERS: "1", MODE: "polling", HOOK: "https://x.example" };
    expect(await askIntake(plug, given, prompter)).toEqual(given);
    expect(asked).toEqual([]);
  });

  it("shows a required input without a default plainly", () => {
    expect(promptFor(plug.inputs[0]!)).toBe("Token? ");
  });
});

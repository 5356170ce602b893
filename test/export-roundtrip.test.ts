import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, type TestInstall } from "./support/aimsCli.js";
import { get } from "./support/http.js";

// Plug Export's round trip: the docker-compose.yml of an exported bundle, imported with Compose import, deploys
// and serves the same app. Host ports 58740-58759 are this file's.

let install: TestInstall;
let out: string;

beforeAll(async () => {
  install = await createTestInstall("58740-58759");
  out = join(mkdtempSync(join(tmpdir(), "aims-roundtrip-")), "bundle");
});
afterAll(async () => {
  await install?.cleanup();
  if (out) rmSync(join(out, ".."), { recursive: true, force: true });
});

describe("an exported bundle's compose file, imported again", () => {
  it("deploys as a private plug and serves what the exported instance served", async () => {
    const site = await install.json<{ url: string }>([
      "deploy",
      "static-site",
      "--tenant",
      "trip",
      "--name",
      "site",
      "--set",
      "SITE_TITLE=Round trip",
    ]);
    const original = await get(`${site.url}cgi-bin/info`);
    expect(original.body).toContain("title: Round trip");

    const exported = await install.run(["export", "site", "--tenant", "trip", "--out", out]);
    expect(exported.code, exported.stderr).toBe(0);
    // The bundle's own .env.example carries the instance's inputs; intake takes them as --set.
    const sets = readFileSync(join(out, ".env.example"), "utf8")
      .split("\n")
      .filter((l) => /^SITE_TITLE=/.test(l))
      .map((l) => l.replace(/'/g, ""));
    expect(sets).toEqual(["SITE_TITLE=Round trip"]);

    const imported = await install.json<{ name: string; version: number }>([
      "plug",
      "import",
      join(out, "docker-compose.yml"),
      "--tenant",
      "trip",
      "--name",
      "site-again",
    ]);
    expect(imported).toMatchObject({ name: "site-again", version: 1 });
    const again = await install.json<{ url: string; state: string }>([
      "deploy",
      "site-again",
      "--tenant",
      "trip",
      "--name",
      "again",
      ...sets.flatMap((s) => ["--set", s]),
    ]);
    expect(again.state).toBe("ready");
    const served = await get(`${again.url}cgi-bin/info`);
    expect(served.status).toBe(200);
    expect(served.body).toContain("title: Round trip");
  });
});

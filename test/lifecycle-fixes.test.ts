import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall } from "./support/aimsCli.js";
import { get } from "./support/http.js";
import { containersOf, type InstanceJson, psOne } from "./support/instances.js";

// The failing revisions pin busybox, outside static-site's own repositories: the operator allows it here.
const install = await createTestInstall("53500-53549", {
  AIMS_ALLOWED_IMAGE_REPOSITORIES: "aims-base/busybox",
});
afterAll(() => install.cleanup());

interface HistoryJson {
  revisions: Array<{
    revision: number;
    outcome: string;
    reason: string | null;
    running: boolean;
    by: string | null;
    changes: Record<string, unknown>;
  }>;
  lastFailure: {
    what: string;
    reason: string;
    exitCode?: number;
    revision: number;
    logLines?: string[];
  } | null;
}

describe("updates that fail, twice", () => {
  let site: InstanceJson;
  beforeAll(async () => {
    site = await install.json<InstanceJson>([
      "deploy",
      "static-site",
      "--tenant",
      "fix",
      "--name",
      "rb",
      "--set",
      "SITE_TITLE=Good",
    ]);
  });

  it("rolls back to the last revision that was ever healthy, never to one that failed", async () => {
    // busybox's default command exits at once: this revision can never pass its health gate.
    const bad = ["update", "rb", "--tenant", "fix", "--image", "web=aims-base/busybox:1"];
    const first = await install.run(bad);
    expect(first.code).toBe(8);
    expect(first.stderr).toMatch(/update to revision 2 failed: .*rolled back to revision 1/);
    const second = await install.run(bad);
    expect(second.code).toBe(8);
    expect(second.stderr).toMatch(/update to revision 3 failed: .*rolled back to revision 1/);
    expect(second.stderr).not.toMatch(/did not come back/);
    const now = (await psOne(install, "fix", "rb"))!;
    expect(now).toMatchObject({ state: "ready", revision: 1 });
    expect((await get(`${site.url}cgi-bin/info`)).body).toContain("title: Good");
    expect((await containersOf(site.id)).map((c) => c.Config.Labels["aims.revision"])).toEqual(["1"]);
  });

  it("keeps the last failure on the instance: what failed, the exit code and its log lines", async () => {
    const now = (await psOne(install, "fix", "rb"))! as InstanceJson & {
      lastFailure: HistoryJson["lastFailure"];
    };
    expect(now.lastFailure).toMatchObject({
      revision: 3,
      exitCode: 0,
      what: expect.stringMatching(/^start of /),
    });
    expect(now.lastFailure!.reason).toMatch(/exited with code 0/);
  });

  it("lists revisions with what changed, who asked, and whether each became healthy or was rolled back", async () => {
    const h = await install.json<HistoryJson>(["history", "rb", "--tenant", "fix", "--json"]);
    expect(h.revisions.map((r) => [r.revision, r.outcome, r.running])).toEqual([
      [1, "healthy", true],
      [2, "rolled_back", false],
      [3, "rolled_back", false],
    ]);
    expect(h.revisions[0]!.changes).toEqual({
      deployed: { plug: "static-site", version: expect.any(String) },
    });
    expect(h.revisions[2]!.changes).toEqual({ images: { web: "aims-base/busybox:1" } });
    expect(h.revisions[2]!.by).toMatch(/^cli:/);
    expect(h.revisions[2]!.reason).toMatch(/exited with code 0/);
    expect(h.lastFailure?.revision).toBe(3);
    const text = await install.run(["history", "rb", "--tenant", "fix"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^1 \*\s/m);
    expect(text.stdout).toMatch(/last failure .*revision 3/);
  });

  it("a good update after the failures becomes healthy and clears the last failure", async () => {
    const ok = await install.json<InstanceJson & { lastFailure: unknown }>([
      "update",
      "rb",
      "--tenant",
      "fix",
      "--set",
      "SITE_TITLE=Better",
    ]);
    expect(ok).toMatchObject({ state: "ready", revision: 4, reason: null, lastFailure: null });
    const h = await install.json<HistoryJson>(["history", "rb", "--tenant", "fix", "--json"]);
    expect(h.revisions.at(-1)).toMatchObject({
      revision: 4,
      outcome: "healthy",
      running: true,
      changes: { inputs: ["SITE_TITLE"] },
    });
  });

  it("refuses unknown input keys exactly as deploy does, and changes nothing", async () => {
    const before = await install.json<HistoryJson>(["history", "rb", "--tenant", "fix", "--json"]);
    const r = await install.run([
      "update",
      "rb",
      "--tenant",
      "fix",
      "--set",
      "SITE_TITLE=x",
      "--set",
      "NOPE=1",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown input NOPE for plug static-site \(known: SITE_TITLE\)/);
    const after = await install.json<HistoryJson>(["history", "rb", "--tenant", "fix", "--json"]);
    expect(after.revisions).toEqual(before.revisions);
    expect((await get(`${site.url}cgi-bin/info`)).body).toContain("title: Better");
  });
});

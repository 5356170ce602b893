import { afterAll, describe, expect, it } from "vitest";
import { createTestInstall } from "./support/aimsCli.js";

const install = await createTestInstall("52350-52359");
afterAll(() => install.cleanup());

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

describe("aims doctor", () => {
  it("reports engine, address pools, disk, file modes, ports, store, nginx and the firewall", async () => {
    const r = await install.run(["doctor", "--json"]);
    const checks = JSON.parse(r.stdout) as Check[];
    expect(checks.map((c) => c.name)).toEqual([
      "engine",
      "address pools",
      "disk",
      "file modes",
      "ports",
      "store",
      "nginx",
      "firewall",
    ]);
    // Test installs leave the host firewall alone (test/support/aimsCli.ts): doctor warns, and still passes.
    expect(checks.find((c) => c.name === "firewall")).toMatchObject({
      ok: true,
      warning: true,
      detail: expect.stringMatching(/^off \(firewall.enabled: false/),
    });
    expect(checks.find((c) => c.name === "engine")).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^Docker /),
    });
    expect(checks.find((c) => c.name === "ports")?.detail).toMatch(/0 of 10 ports allocated in 52350-52359/);
    // The database: its server's version, where it is, and its migrations.
    expect(checks.find((c) => c.name === "store")?.detail).toMatch(
      /^SQLite \d+\.\d+\.\d+ at \/.*\/aims\.db: (created \(\d+ migrations\)|\d+ migrations, up to date) \(installation \w+\)$/,
    );
  });

  it("fails with the reason when the engine is unreachable", async () => {
    const r = await install.run(["doctor"], { AIMS_DOCKER_SOCKET: "/tmp/aims-no-such.sock" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+engine\s+Docker engine unreachable at \/tmp\/aims-no-such\.sock/);
    expect(r.stdout).toMatch(/ok\s+store/);
  });
});

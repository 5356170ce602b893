import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import type { FirewallDriver, FirewallState } from "./FirewallDriver.js";
import { createHostFirewall } from "./hostFirewall.js";

/** A packet filter that cannot run here (no iptables, not root): what the real driver reports then. */
function unavailable(): FirewallDriver & { applied: number } {
  const state: FirewallState = { kind: "unavailable", reason: "iptables needs root" };
  return {
    applied: 0,
    inspect: async () => state,
    async apply() {
      this.applied++;
      return [];
    },
    remove: async () => false,
  };
}

function firewallWith(driver: FirewallDriver, enabled = true, pools = [{ base: "10.210.0.0/16" }]) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const firewall = createHostFirewall({
    enabled,
    driver: async () => driver,
    pools: async () => pools,
    logger: createLogger("info", sink),
  });
  return { firewall, lines };
}

describe("the host firewall where it cannot run", () => {
  it("skips with one warning however many ticks, and doctor warns without failing", async () => {
    const driver = unavailable();
    const { firewall, lines } = firewallWith(driver);
    for (const _ of [1, 2, 3]) await firewall.ensure();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: "host firewall cannot be installed",
      reason: "iptables needs root",
    });
    expect(driver.applied).toBe(0);
    expect(await firewall.report()).toMatchObject({ ok: true, warning: true, detail: /iptables needs root/ });
    await expect(firewall.install()).rejects.toThrow(/iptables needs root/);
  });

  it("does nothing when turned off, and says so", async () => {
    const driver = unavailable();
    const { firewall } = firewallWith(driver, false);
    await firewall.ensure();
    expect(await firewall.report()).toMatchObject({ ok: true, warning: true, detail: /^off / });
  });

  it("installs nothing without address pools, and doctor fails naming them", async () => {
    const { firewall } = firewallWith(unavailable(), true, []);
    expect(await firewall.report()).toMatchObject({ ok: false, detail: /no address pools/ });
  });
});

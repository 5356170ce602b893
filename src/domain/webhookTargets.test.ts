import { describe, expect, it } from "vitest";
import { addressRefusal, urlRefusal, webhookUrlSchema } from "./webhookTargets.js";

const policy = { allowedHosts: [] as string[], hostAddresses: new Set(["10.1.2.3", "fd12::1"]) };

describe("webhook targets a tenant may not reach", () => {
  it("refuses loopback, link-local (metadata), unspecified and this host's addresses", () => {
    for (const host of [
      "127.0.0.1",
      "127.9.9.9",
      "[::1]",
      "169.254.169.254",
      "[fe80::1]",
      "0.0.0.0",
      "10.1.2.3",
      "[::ffff:127.0.0.1]",
      "localhost",
      "x.localhost",
      "metadata.google.internal",
    ])
      expect(urlRefusal(`http://${host}:8080/hook`, policy), host).not.toBeNull();
    expect(urlRefusal("http://169.254.169.254/latest/meta-data", policy)).toMatch(/link-local/);
  });

  it("lets public and private-network receivers in, and what the operator allows", () => {
    expect(urlRefusal("https://hooks.example.com/aims", policy)).toBeNull();
    expect(urlRefusal("http://192.168.1.20/hook", policy)).toBeNull();
    expect(urlRefusal("http://127.0.0.1:9000/hook", { ...policy, allowedHosts: ["127.0.0.1"] })).toBeNull();
  });

  it("checks each resolved address the same way", () => {
    expect(addressRefusal("::ffff:169.254.169.254", policy.hostAddresses)).toMatch(/link-local/);
    expect(addressRefusal("fd12::1", policy.hostAddresses)).toMatch(/this host/);
    expect(addressRefusal("93.184.216.34", policy.hostAddresses)).toBeNull();
  });

  it("takes only http(s) URLs without credentials", () => {
    expect(webhookUrlSchema.safeParse("https://hooks.example.com/x").success).toBe(true);
    for (const bad of ["ftp://x.example/", "https://user:pw@x.example/", "not a url", "file:///etc/passwd"])
      expect(webhookUrlSchema.safeParse(bad).success, bad).toBe(false);
  });
});

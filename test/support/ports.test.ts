import { describe, expect, it } from "vitest";
import { proxyPortFor } from "./aimsCli.js";
import { freePorts, occupyPort, portIsFree } from "./http.js";

describe("ports a test listens on", () => {
  it("freePorts answers distinct free ports outside the AIMS test ranges", async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) {
      expect(port < 51_000 || port > 53_999, `${port} is in an AIMS test range`).toBe(true);
      expect(await portIsFree(port)).toBe(true);
    }
  });

  it("proxyPortFor takes a free port when another program holds the derived one", async () => {
    // 52290-52299 is no test file's range; its derived proxy port is 22290.
    const derived = 22_290;
    // Held by another program already is just as taken.
    const holder = await occupyPort(derived).catch(() => undefined);
    try {
      const port = await proxyPortFor("52290-52299");
      expect(port).not.toBe(derived);
      expect(await portIsFree(port)).toBe(true);
    } finally {
      holder?.close();
    }
  });
});

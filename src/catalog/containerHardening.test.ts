import { describe, expect, it } from "vitest";
import { containerHardening } from "./containerHardening.js";

describe("containerHardening", () => {
  it("drops every capability, adds back only the ones asked for, and forbids privilege gain", () => {
    expect(containerHardening([]).security).toEqual({ capDrop: ["ALL"], capAdd: [], noNewPrivileges: true });
    expect(containerHardening(["CHOWN", "SETUID"]).security.capAdd).toEqual(["CHOWN", "SETUID"]);
  });

  it("runs an init, leaves restarts to the reconciler and rotates logs", () => {
    expect(containerHardening([])).toMatchObject({
      init: true,
      restartPolicy: "no",
      logging: { driver: "json-file", maxSize: "10m", maxFiles: 3 },
    });
  });

  it("copies capAdd, so a spec never shares the manifest's array", () => {
    const capAdd = ["CHOWN"];
    const hardening = containerHardening(capAdd);
    capAdd.push("SETUID");
    expect(hardening.security.capAdd).toEqual(["CHOWN"]);
  });
});

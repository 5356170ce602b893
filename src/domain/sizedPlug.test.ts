import { describe, expect, it } from "vitest";
import { instanceFootprint } from "./footprint.js";
import { plugSchema } from "./manifest.js";
import { declaresAllResources, sizePlug } from "./sizedPlug.js";

const MiB = 1024 ** 2;
const plug = plugSchema.parse({
  apiVersion: "aims.dev/v1",
  kind: "Plug",
  id: "demo",
  version: "1.0.0",
  name: "Demo",
  category: "tool",
  services: [
    { name: "none", image: "busybox:1.36.1" },
    { name: "some", image: "busybox:1.36.1", resources: { memory: "1g" } },
    { name: "capped", image: "busybox:1.36.1", maxResources: { memory: "128m" } },
    {
      name: "all",
      image: "busybox:1.36.1",
      resources: { cpu: 0.25, memory: "64m", pids: 64 },
      volumes: [{ name: "data", path: "/data" }],
    },
  ],
});
const defaults = { cpu: 1, memory: 512 * MiB, pids: 512 };

describe("sizePlug", () => {
  it("fills what a service leaves out from the plan's defaults, never above its own maximum", () => {
    const sized = sizePlug(plug, defaults);
    expect(sized.services.map((s) => s.resources)).toEqual([
      defaults,
      { cpu: 1, memory: 1024 * MiB, pids: 512 },
      { cpu: 1, memory: 128 * MiB, pids: 512 },
      { cpu: 0.25, memory: 64 * MiB, pids: 64 },
    ]);
    expect(declaresAllResources(plug)).toBe(false);
  });

  it("leaves a plug that declares everything as it is", () => {
    const all = { ...plug, services: plug.services.slice(3) };
    expect(declaresAllResources(all)).toBe(true);
    expect(sizePlug(all, defaults)).toEqual(all);
  });
});

describe("instanceFootprint", () => {
  it("sums limits × replicas over services, an update's overrides first, volumes once", () => {
    const sized = sizePlug(plug, defaults);
    const footprint = instanceFootprint({
      plug: sized,
      replicas: { none: 3 },
      resources: { all: { memory: 256 * MiB } },
    });
    expect(footprint).toEqual({
      cpu: 3 + 1 + 1 + 0.25,
      memory: 3 * 512 * MiB + 1024 * MiB + 128 * MiB + 256 * MiB,
      pids: 3 * 512 + 512 + 512 + 64,
      volumes: 1,
    });
  });
});

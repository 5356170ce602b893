import { describe, expect, it } from "vitest";
import { plugSchema } from "./manifest.js";
import {
  checkResourceLimits,
  cpuLimitSchema,
  formatMemory,
  memoryLimitSchema,
  pidsLimitSchema,
  plugMaxima,
} from "./resourceLimits.js";
import { LEGACY_DEFAULT_RESOURCES, sizePlug } from "./sizedPlug.js";
import { formatIssues } from "./zodIssues.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const operator = { cpu: 4, memory: 8 * GiB, pids: 4096 };
const service = (extra: Record<string, unknown> = {}) =>
  sizePlug(
    plugSchema.parse({
      apiVersion: "aims.dev/v1",
      kind: "Plug",
      id: "demo",
      version: "1.0.0",
      name: "Demo",
      category: "tool",
      services: [
        { name: "web", image: "busybox:1.36.1", resources: { cpu: 0.25, memory: "64m", pids: 64 }, ...extra },
      ],
    }),
    LEGACY_DEFAULT_RESOURCES,
  ).services[0]!;

describe("resource limits of aims update", () => {
  it("formats memory the way it is typed", () => {
    expect([
      formatMemory(256 * MiB),
      formatMemory(8 * GiB),
      formatMemory(1536 * MiB),
      formatMemory(1000),
    ]).toEqual(["256m", "8g", "1536m", "1000b"]);
  });

  it("defaults a service's maxima to four times what it declares, and takes declared maxima as they are", () => {
    expect(plugMaxima(service())).toEqual({ cpu: 1, memory: 256 * MiB, pids: 256 });
    expect(plugMaxima(service({ maxResources: { memory: "1g" } }))).toEqual({
      cpu: 1,
      memory: GiB,
      pids: 256,
    });
  });

  it("accepts values in range, including lowering", () => {
    expect(() =>
      checkResourceLimits(service(), { cpu: 1, memory: 256 * MiB, pids: 16 }, operator),
    ).not.toThrow();
    expect(() => checkResourceLimits(service(), { memory: 32 * MiB }, operator)).not.toThrow();
  });

  it("names the flag, the value, both bounds and the range when a value is too high", () => {
    expect(() => checkResourceLimits(service(), { memory: 1000 * GiB }, operator)).toThrow(
      "--memory 1000g is above the ceiling of 256m for service web (plug maximum 256m; operator ceiling 8g, limits.memory): allowed 6m to 256m",
    );
    expect(() => checkResourceLimits(service(), { pids: 32768 }, operator)).toThrow(
      /--pids 32768 .* allowed 16 to 256/,
    );
  });

  it("lets the lower of plug maximum and operator ceiling win, but never below what the plug declares", () => {
    const big = service({ maxResources: { cpu: 16 } });
    expect(() => checkResourceLimits(big, { cpu: 8 }, operator)).toThrow(
      /--cpu 8 is above the ceiling of 4 .*plug maximum 16; operator ceiling 4, limits.cpu/,
    );
    expect(() =>
      checkResourceLimits(service(), { memory: 64 * MiB }, { ...operator, memory: 32 * MiB }),
    ).not.toThrow();
  });

  it("refuses values below the minimum", () => {
    expect(() => checkResourceLimits(service(), { memory: MiB }, operator)).toThrow(
      "--memory 1m is below the minimum of 6m for service web: allowed 6m to 256m",
    );
  });

  it("refuses a manifest whose maximum is below what it declares", () => {
    expect(() => service({ maxResources: { memory: "32m" } })).toThrow(
      /maxResources.memory is below resources.memory/,
    );
  });
});

describe("the schemas of aims update's limits", () => {
  const words = (
    schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
    value: unknown,
  ) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? undefined : formatIssues(parsed.error as never, { fieldName: () => "body.x" });
  };

  it("reads memory as bytes, and refuses less than the engine's minimum before Docker sees it", () => {
    expect(memoryLimitSchema.parse("256m")).toBe(256 * MiB);
    expect(memoryLimitSchema.parse("1g")).toBe(GiB);
    expect(memoryLimitSchema.parse(6 * MiB)).toBe(6 * MiB);
    for (const value of ["1k", "0", "-5", "abc", "", 1024, 0, "99999999999999999999"])
      expect(words(memoryLimitSchema, value), String(value)).toBe(
        "body.x must be a size of at least 6m, like 256m, 1g or 512Mi",
      );
  });

  it("states the range of cpu and pids", () => {
    expect(words(cpuLimitSchema, 0)).toBe("body.x must be a number of CPU cores from 0.01 to 64");
    expect(words(cpuLimitSchema, 65)).toBe("body.x must be a number of CPU cores from 0.01 to 64");
    expect(words(pidsLimitSchema, 8)).toBe("body.x must be a whole number from 16 to 32768");
    expect(words(pidsLimitSchema, 99_999_999_999)).toBe("body.x must be a whole number from 16 to 32768");
    expect(cpuLimitSchema.parse(0.01)).toBe(0.01);
  });
});

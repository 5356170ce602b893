import { describe, expect, it } from "vitest";
import { parseImageRef, parseMemory, plugSchema } from "./manifest.js";

const base = {
  apiVersion: "aims.dev/v1",
  kind: "Plug",
  id: "demo",
  version: "1.0.0",
  name: "Demo",
  category: "tool",
  services: [{ name: "web", image: "busybox:1.36.1" }],
};
const problems = (plug: unknown) => {
  const r = plugSchema.safeParse(plug);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("plug manifest", () => {
  it("accepts a minimal plug and fills secure defaults", () => {
    const plug = plugSchema.parse(base);
    const svc = plug.services[0]!;
    expect(svc.runAsRoot).toBe(false);
    expect(svc.capAdd).toEqual([]);
    // Left out: the tenant's plan's defaultResources, filled in at deploy (src/domain/sizedPlug.ts).
    expect(svc.resources).toBeUndefined();
  });
  it("refuses latest and untagged images", () => {
    expect(problems({ ...base, services: [{ name: "web", image: "nginx:latest" }] }).join()).toMatch(
      /latest/,
    );
    expect(problems({ ...base, services: [{ name: "web", image: "nginx" }] }).join()).toMatch(/pin a tag/);
    expect(problems({ ...base, services: [{ name: "web", image: "localhost:5000/nginx" }] }).join()).toMatch(
      /pin a tag/,
    );
    expect(problems({ ...base, services: [{ name: "web", image: "localhost:5000/nginx:1.27" }] })).toEqual(
      [],
    );
  });
  it("needs exactly one of image or build", () => {
    expect(problems({ ...base, services: [{ name: "web" }] }).join()).toMatch(/exactly one of/);
    expect(
      problems({ ...base, services: [{ name: "web", image: "a:1", build: { context: "." } }] }).join(),
    ).toMatch(/exactly one of/);
  });
  it("refuses env references to unknown inputs or secrets", () => {
    const plug = { ...base, services: [{ name: "web", image: "a:1", env: { X: "${inputs.NOPE}" } }] };
    expect(problems(plug).join()).toMatch(/references unknown \$\{inputs.NOPE\}/);
  });
  it("refuses unknown dependencies, duplicate services and bad capabilities", () => {
    const plug = {
      ...base,
      services: [
        { name: "web", image: "a:1", dependsOn: ["db"] },
        { name: "web", image: "b:1" },
      ],
    };
    const text = problems(plug).join("\n");
    expect(text).toMatch(/dependsOn names unknown service db/);
    expect(text).toMatch(/duplicate service web/);
    const caps = { ...base, services: [{ name: "web", image: "a:1", capAdd: ["SYS_ADMIN"] }] };
    expect(problems(caps).join()).toMatch(/capAdd/);
  });
  it("refuses services that depend on each other in a cycle, naming it once", () => {
    const plug = {
      ...base,
      services: [
        { name: "web", image: "a:1", dependsOn: ["api"] },
        { name: "api", image: "b:1", dependsOn: ["db"] },
        { name: "db", image: "c:1", dependsOn: ["api"] },
      ],
    };
    const found = problems(plug).filter((p) => p.includes("cycle"));
    expect(found).toEqual([
      "services.1.dependsOn: services depend on each other in a cycle: api -> db -> api",
    ]);
    const chain = {
      ...base,
      services: [
        { ...base.services[0]!, dependsOn: ["db"] },
        { name: "db", image: "c:1" },
      ],
    };
    expect(problems(chain)).toEqual([]);
  });
  it("parses image references and sizes", () => {
    expect(parseImageRef("registry:5000/a/b:1.2")).toEqual({ repository: "registry:5000/a/b", tag: "1.2" });
    expect(parseImageRef("registry:5000/a/b")).toEqual({ repository: "registry:5000/a/b", tag: undefined });
    expect(parseMemory("256m")).toBe(256 * 1024 * 1024);
    expect(parseMemory("1g")).toBe(1024 ** 3);
    expect(parseMemory("512Mi")).toBe(512 * 1024 * 1024);
  });
});

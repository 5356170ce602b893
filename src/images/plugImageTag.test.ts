import { describe, expect, it } from "vitest";
import { contextHash, dockerfileBases, plugImageTag } from "./plugImageTag.js";

const file = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) });

describe("contextHash", () => {
  const files = [file("Dockerfile", "FROM aims-base/node:20\n"), file("server.mjs", "console.log(1)\n")];

  it("is a sha256 independent of listing order", () => {
    const hash = contextHash(files);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(contextHash([...files].reverse())).toBe(hash);
  });

  it("changes with content, with a rename, and with bytes moved between files", () => {
    const hash = contextHash(files);
    expect(contextHash([files[0]!, file("server.mjs", "console.log(2)\n")])).not.toBe(hash);
    expect(contextHash([files[0]!, file("main.mjs", "console.log(1)\n")])).not.toBe(hash);
    expect(contextHash([file("a", "xy"), file("b", "")])).not.toBe(
      contextHash([file("a", "x"), file("b", "y")]),
    );
  });
});

describe("plugImageTag", () => {
  it("names the plug, service and version, then 12 hex of the content hash", () => {
    const hash = "0123456789abcdef".repeat(4);
    expect(plugImageTag({ plugId: "node-api", service: "api", version: "1.0.0" }, hash)).toBe(
      "aims-plug/node-api-api:1.0.0-0123456789ab",
    );
  });
});

describe("dockerfileBases", () => {
  it("lists FROM images, skipping scratch, flags, comments and earlier stages", () => {
    const dockerfile = [
      "# FROM commented/out:1",
      "FROM --platform=linux/amd64 aims-base/node:20 AS build",
      "RUN echo hi",
      "from scratch",
      "FROM build AS test",
      "FROM aims-base/busybox:1",
      "FROM aims-base/node:20",
    ].join("\n");
    expect(dockerfileBases(dockerfile)).toEqual(["aims-base/node:20", "aims-base/busybox:1"]);
  });
});

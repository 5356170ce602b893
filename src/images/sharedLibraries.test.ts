import { describe, expect, it } from "vitest";
import { findStaticBusybox } from "./baseImageContext.js";
import { listSharedLibraries, parseLdd } from "./sharedLibraries.js";

describe("parseLdd", () => {
  it("keeps library and loader paths, skips the vDSO", () => {
    const output = [
      "\tlinux-vdso.so.1 (0x00007ffd5a5f2000)",
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f965c41e000)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f965ca1f000)",
    ].join("\n");
    expect(parseLdd(output)).toEqual(["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]);
  });
});

describe("listSharedLibraries on this host", () => {
  it("finds node's libraries with their loader", async () => {
    const libraries = await listSharedLibraries(process.execPath);
    expect(libraries.some((l) => /\/ld-linux[^/]*\.so/.test(l))).toBe(true);
  });

  it("finds a static busybox with no libraries", async () => {
    expect(await listSharedLibraries(await findStaticBusybox())).toEqual([]);
  });
});

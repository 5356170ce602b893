import { describe, expect, it } from "vitest";
import { DEBIAN_RECIPES, localImageTag, mmdebstrapArgs } from "./debianRecipes.js";
import { recipeHash } from "./recipeHash.js";

const postgres = DEBIAN_RECIPES.find((r) => r.name === "postgres")!;
const files = [{ path: "Dockerfile", bytes: new TextEncoder().encode("FROM scratch\n") }];

describe("Debian image recipes", () => {
  it("stand in for the catalog's pinned PostgreSQL and Redis images", () => {
    expect(DEBIAN_RECIPES.flatMap((r) => r.upstream)).toEqual(["postgres:15.19", "redis:7.0.15-bookworm"]);
  });

  it("builds a minimal rootfs with the official images' user ids, slimmed after install", () => {
    const args = mmdebstrapArgs(postgres, "/tmp/rootfs.tar");
    expect(args.slice(0, 2)).toEqual(["--variant=essential", "--include=postgresql-15"]);
    expect(args).toContain("bookworm");
    expect(args).toContain("/tmp/rootfs.tar");
    const hook = args.find((a) => a.startsWith("--essential-hook="))!;
    expect(hook).toContain(`echo 'postgres:x:999:999::/var/lib/postgresql:/bin/sh' >> "$1/etc/passwd"`);
    expect(args.find((a) => a.startsWith("--customize-hook="))).toContain(
      `rm -rf "$1/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1"`,
    );
    expect(args.filter((a) => a.startsWith("deb "))).toHaveLength(3);
  });

  it("tags images by recipe content, so an unchanged recipe is never rebuilt", () => {
    const hash = recipeHash(postgres, files);
    expect(recipeHash(postgres, files)).toBe(hash);
    expect(recipeHash({ ...postgres, packages: ["postgresql-15", "postgresql-contrib"] }, files)).not.toBe(
      hash,
    );
    expect(
      recipeHash(postgres, [{ path: "Dockerfile", bytes: new TextEncoder().encode("FROM scratch\n#") }]),
    ).not.toBe(hash);
    expect(localImageTag(postgres, hash)).toBe(`aims-local/postgres:15-${hash.slice(0, 12)}`);
  });
});

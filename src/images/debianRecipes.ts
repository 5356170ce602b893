import { join } from "node:path";
import { PACKAGE_ROOT } from "../packageRoot.js";

/** A system user a Debian image must have with a fixed id (created before its packages install). */
export interface FixedUser {
  name: string;
  uid: number;
  home: string;
}

/**
 * How to build one local image from Debian packages: a rootfs made by mmdebstrap, then the Dockerfile
 * in `contextDir` (which `ADD`s `rootfs.tar`). `upstream` lists the catalog images it stands in for.
 */
export interface DebianRecipe {
  name: string;
  /** First part of the tag, e.g. the major version ("15"). */
  series: string;
  suite: string;
  packages: string[];
  users: FixedUser[];
  /** Paths (relative to the root) removed after install to keep the image small. */
  removePaths: string[];
  contextDir: string;
  upstream: string[];
  /** What the local build is, for people: package and version line. */
  description: string;
}

const IMAGES = join(PACKAGE_ROOT, "images");

/** Debian 12 sources: the release, its updates and security updates. */
export const DEBIAN_SOURCES = [
  "deb http://deb.debian.org/debian bookworm main",
  "deb http://deb.debian.org/debian bookworm-updates main",
  "deb http://deb.debian.org/debian-security bookworm-security main",
];

/**
 * The local images AIMS can build offline (with a Debian mirror). Upstream tags pin the same major
 * version: Debian 12 ships PostgreSQL 15 (15.x, at or newer than the pinned 15.19) and Redis 7.0.15.
 */
export const DEBIAN_RECIPES: readonly DebianRecipe[] = [
  {
    name: "postgres",
    series: "15",
    suite: "bookworm",
    packages: ["postgresql-15"],
    // The official image's postgres user is 999:999; data volumes stay portable between the two.
    users: [{ name: "postgres", uid: 999, home: "/var/lib/postgresql" }],
    // LLVM (JIT, ~130 MB with z3) is optional: without it PostgreSQL simply does not JIT-compile.
    removePaths: [
      "usr/lib/x86_64-linux-gnu/libLLVM-14.so.1",
      "usr/lib/x86_64-linux-gnu/libz3.so.4",
      "usr/lib/postgresql/15/lib/llvmjit.so",
      "usr/lib/postgresql/15/lib/bitcode",
      "var/lib/postgresql/15",
      "etc/postgresql/15",
    ],
    contextDir: join(IMAGES, "debian-postgres"),
    upstream: ["postgres:15.19"],
    description: "PostgreSQL 15 (Debian 12 postgresql-15)",
  },
  {
    name: "redis",
    series: "7.0",
    suite: "bookworm",
    packages: ["redis-server"],
    users: [{ name: "redis", uid: 999, home: "/var/lib/redis" }],
    removePaths: [],
    contextDir: join(IMAGES, "debian-redis"),
    upstream: ["redis:7.0.15-bookworm"],
    description: "Redis 7.0.15 (Debian 12 redis-server)",
  },
];

/** mmdebstrap's arguments for a recipe's root filesystem written to `outTar`. */
export function mmdebstrapArgs(recipe: DebianRecipe, outTar: string): string[] {
  const users = recipe.users.map(
    (u) =>
      `echo '${u.name}:x:${u.uid}:${u.uid}::${u.home}:/bin/sh' >> "$1/etc/passwd" && ` +
      `echo '${u.name}:x:${u.uid}:' >> "$1/etc/group"`,
  );
  const removals = recipe.removePaths.map((p) => `rm -rf "$1/${p}"`);
  return [
    "--variant=essential",
    `--include=${recipe.packages.join(",")}`,
    "--dpkgopt=path-exclude=/usr/share/doc/*",
    "--dpkgopt=path-exclude=/usr/share/man/*",
    "--dpkgopt=path-exclude=/usr/share/info/*",
    "--dpkgopt=path-exclude=/usr/share/locale/*",
    ...(users.length ? [`--essential-hook=${users.join(" && ")}`] : []),
    ...(removals.length ? [`--customize-hook=${removals.join(" && ")}`] : []),
    recipe.suite,
    outTar,
    ...DEBIAN_SOURCES,
  ];
}

/**
 * The local tag of a recipe's image: versioned by content, so a second build of the same recipe is skipped.
 * @example localImageTag(recipe, "ab12cd…") // "aims-local/postgres:15-ab12cd34ef56"
 */
export function localImageTag(recipe: DebianRecipe, hash: string): string {
  return `aims-local/${recipe.name}:${recipe.series}-${hash.slice(0, 12)}`;
}

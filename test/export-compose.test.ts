import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog/loadCatalog.js";
import { writeCompose } from "../src/compose/writeCompose.js";
import { LEGACY_DEFAULT_RESOURCES, sizePlug } from "../src/domain/sizedPlug.js";
import { bundleFiles } from "../src/export/bundleFiles.js";
import { bundleProject } from "../src/export/exportInstance.js";
import { parseYaml } from "../src/parseYaml.js";

// Every catalog plug's bundle, as an export writes it (without the engine: images and data are what an export of
// a running instance would name), read by Debian's docker-compose 1.29: the subset Compose v2 reads as well.
const ROOT = resolve(import.meta.dirname, "..");
const catalog = loadCatalog([join(ROOT, "catalog")]);
const work = mkdtempSync(join(tmpdir(), "aims-export-compose-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bundleOf(id: string) {
  const plug = sizePlug(catalog.get(id).plug, LEGACY_DEFAULT_RESOURCES);
  const images = Object.fromEntries(
    plug.services.map((s) => [
      s.name,
      s.image ?? `aims-plug/${plug.id}-${s.name}:${plug.version}-0123456789ab`,
    ]),
  );
  const compose = writeCompose({
    plug,
    images,
    inputs: {},
    instance: { id: "01JEXPORTTEST", name: "web" },
    tenant: { name: "acme" },
  });
  const built = plug.services.filter((s) => s.build).map((s) => images[s.name]!);
  const files = bundleFiles({
    plug,
    compose,
    project: bundleProject("acme", id),
    tenant: "acme",
    instance: "web",
    saved: built.map((ref, i) => ({ ref, file: `image-${i}.tar` })),
    pulled: plug.services.filter((s) => s.image).map((s) => s.image!),
    data: compose.volumes.map((v) => ({
      key: v.key,
      service: v.service,
      path: v.path,
      file: `${v.key}.tar`,
    })),
    exportedAt: "2026-12-01T00:00:00.000Z",
    aimsVersion: "0.1.0",
  });
  const dir = join(work, id);
  execFileSync("mkdir", ["-p", dir]);
  for (const f of files) writeFileSync(join(dir, f.path), f.text, { mode: f.mode });
  return { plug, compose, files, dir };
}

/** `docker-compose config` of a bundle directory with its .env.example as .env: the file as Compose resolves it. */
function composeConfig(dir: string): { code: number; out: string } {
  copyFileSync(join(dir, ".env.example"), join(dir, ".env"));
  try {
    const out = execFileSync("docker-compose", ["config"], { cwd: dir, stdio: "pipe", encoding: "utf8" });
    return { code: 0, out };
  } catch (err) {
    const e = err as { status?: number; stderr?: string };
    return { code: e.status ?? 1, out: String(e.stderr) };
  }
}

describe("compose emission", () => {
  it.each(catalog.entries.map((e) => e.plug.id))("%s: its bundle passes docker-compose config -q", (id) => {
    const { dir, files, plug } = bundleOf(id);
    copyFileSync(join(dir, ".env.example"), join(dir, ".env"));
    const quiet = (() => {
      try {
        execFileSync("docker-compose", ["config", "-q"], { cwd: dir, stdio: "pipe" });
        return "";
      } catch (err) {
        return String((err as { stderr?: Buffer }).stderr);
      }
    })();
    expect(quiet).toBe("");
    const text = files.find((f) => f.path === "docker-compose.yml")!.text;
    const file = parseYaml(text) as Record<string, unknown>;
    // The Compose Specification form, and nothing of AIMS's own objects in it.
    expect(file).not.toHaveProperty("version");
    expect(text).not.toMatch(/aims\.(managed|installation|tenant|instance)/);
    const services = file.services as Record<string, Record<string, unknown>>;
    expect(Object.keys(services).sort()).toEqual(plug.services.map((s) => s.name).sort());
    for (const svc of plug.services) {
      const s = services[svc.name]!;
      expect(s.mem_limit).toBeDefined();
      expect(s.pids_limit).toBe(svc.resources.pids);
      expect(s.cpus).toBe(svc.resources.cpu);
      expect(Boolean(s.healthcheck)).toBe(Boolean(svc.health));
    }
    // The scripts are valid shell.
    for (const script of ["setup.sh", "healthcheck.sh"])
      execFileSync("sh", ["-n", join(dir, script)], { stdio: "pipe" });
  });

  it("keeps a shell's $ literal and fills inputs and secrets from .env (notes-api)", () => {
    const { dir, compose } = bundleOf("notes-api");
    const env = (v: string) => compose.variables.find((x) => x.key === v);
    expect(env("REDIS_PASSWORD")).toMatchObject({ kind: "secret", value: "" });
    expect(env("API_TITLE")).toMatchObject({ kind: "input", value: "Notes" });
    writeFileSync(
      join(dir, ".env.example"),
      `${compose.variables.map((v) => `${v.key}=${v.key === "REDIS_PASSWORD" ? "s3cret" : v.value}`).join("\n")}\nCOMPOSE_PROJECT_NAME=acme-notes\n`,
    );
    const { code, out } = composeConfig(dir);
    expect(code).toBe(0);
    const resolved = parseYaml(out) as {
      services: Record<
        string,
        { command?: string[]; environment: Record<string, string>; depends_on?: unknown }
      >;
    };
    // The container's shell expands $REDIS_PASSWORD, not Compose (whose output writes a literal $ as $$).
    expect(resolved.services.redis!.command!.join(" ")).toContain('"$$REDIS_PASSWORD"');
    expect(resolved.services.redis!.command!.join(" ")).not.toContain("s3cret");
    expect(resolved.services.redis!.environment.REDIS_PASSWORD).toBe("s3cret");
    expect(resolved.services.api!.environment).toMatchObject({
      REDIS_PASSWORD: "s3cret",
      API_TITLE: "Notes",
    });
    // Start order as the manifest says: the API after Redis is healthy.
    expect(resolved.services.api!.depends_on).toMatchObject({ redis: { condition: "service_healthy" } });
    expect(compose.order).toEqual(["redis", "api"]);
  });

  it("names the stack so it never takes an AIMS object's name", () => {
    expect(bundleProject("acme", "web")).toBe("acme-web");
    expect(bundleProject("aims", "web")).toBe("app-aims-web");
  });
});

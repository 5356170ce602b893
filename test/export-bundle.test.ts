import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseYaml } from "../src/parseYaml.js";
import { createTestInstall, docker, openDb, removeByLabel } from "./support/aimsCli.js";
import { get } from "./support/http.js";
import type { InstanceJson } from "./support/instances.js";
import { startServe } from "./support/serveProcess.js";

// End to end on the real engine: node-api (with data) and notes-api (API + Redis, with data) are exported, the
// instances and every image their bundles name are removed, and each bundle is set up from a clean directory
// with its own setup.sh, as a customer would on a plain Docker host. The plugs are copies of the catalog's under
// ids of this run, and Redis runs from a tag of this run, so no image the test removes is one another test uses.
const ROOT = resolve(import.meta.dirname, "..");
const run = randomBytes(3).toString("hex");
const work = mkdtempSync(join(tmpdir(), "aims-export-e2e-"));
const catalogDir = join(work, "catalog");
const redisRepository = `exporttest${run}/redis`;
const redisImage = `${redisRepository}:7.0`;
const nodeApi = `node-api-x${run}`;
const notesApi = `notes-api-x${run}`;
const tenant = `exp${run}`;
/** Host ports of the bundles' stacks: this file's range is 55550-55649, the install takes 55550-55599. */
const WEB_PORT = 55610;
const NOTES_PORT = 55611;

const exec = promisify(execFile);
const install = await createTestInstall("55550-55599", { AIMS_CATALOG_DIRS: catalogDir });
/** Bundle directories to take down after the run, and every image they named. */
const stacks: string[] = [];
const named = new Set<string>();

/** A catalog plug under this run's id, its build context absolute, with `image` for services that run one. */
function copyPlug(id: string, newId: string, images: Record<string, string> = {}): void {
  const text = readFileSync(join(ROOT, "catalog", `${id}.yaml`), "utf8")
    .replace(/^id: .*$/m, `id: ${newId}`)
    .replace(/context: \.\.\/images\//g, `context: ${ROOT}/images/`)
    .replace(/image: (\S+)/g, (whole, ref: string) => (images[ref] ? `image: ${images[ref]}` : whole));
  writeFileSync(join(catalogDir, `${newId}.yaml`), text);
}

async function sh(cmd: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** The published port of an instance (its one public HTTP port). */
const hostPort = (i: InstanceJson) => i.ports.find((p) => p.hostPort)!.hostPort;

/** The images a bundle's docker-compose.yml names. */
function imagesOf(dir: string): string[] {
  const file = parseYaml(readFileSync(join(dir, "docker-compose.yml"), "utf8")) as {
    services: Record<string, { image: string }>;
  };
  return Object.values(file.services).map((s) => s.image);
}

/** `.env` (the bundle's own, else its `.env.example`) with the host port set (everything else as exported). */
function writeEnv(dir: string, variable: string, port: number): void {
  const from = existsSync(join(dir, ".env")) ? ".env" : ".env.example";
  const text = readFileSync(join(dir, from), "utf8").replace(
    new RegExp(`^${variable}=.*$`, "m"),
    `${variable}=${port}`,
  );
  writeFileSync(join(dir, ".env"), text);
}

beforeAll(async () => {
  mkdirSync(catalogDir, { recursive: true });
  const report = await install.json<{ overrides: Record<string, string> }>([
    "images",
    "build-local",
    "--only",
    "redis",
  ]);
  await docker.getImage(report.overrides["redis:7.0.15-bookworm"]!).tag({
    repo: redisRepository,
    tag: "7.0",
  });
  copyPlug("node-api", nodeApi);
  copyPlug("notes-api", notesApi, { "redis:7.0.15-bookworm": redisImage });
}, 600_000);

afterAll(async () => {
  for (const dir of stacks) await sh("docker-compose", ["down", "-v", "--remove-orphans"], dir);
  for (const ref of named)
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
  await docker
    .getImage(redisImage)
    .remove()
    .catch(() => undefined);
  await install.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe("aims export", () => {
  let web: InstanceJson;
  let notes: InstanceJson;
  const webArchive = join(work, "web.tar.gz");
  const notesDir = join(work, "notes-bundle");

  beforeAll(async () => {
    web = await install.json<InstanceJson>(["deploy", nodeApi, "--tenant", tenant, "--name", "web"]);
    notes = await install.json<InstanceJson>(["deploy", notesApi, "--tenant", tenant, "--name", "notes"]);
    const webUrl = `http://127.0.0.1:${hostPort(web)}`;
    const put = await fetch(`${webUrl}/kv/motto`, { method: "PUT", body: "carried along" });
    expect(put.status).toBeLessThan(300);
    const notesUrl = `http://127.0.0.1:${hostPort(notes)}`;
    expect((await fetch(`${notesUrl}/notes`, { method: "POST", body: "first note" })).status).toBe(201);
  }, 300_000);

  it("refuses to write secrets without a terminal or --yes, and exports nothing", async () => {
    const out = join(work, "refused.tar.gz");
    const r = await install.run(["export", "web", "--tenant", tenant, "--include-secrets", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes: no terminal to confirm on/);
    expect(() => statSync(out)).toThrow();
  });

  it("writes a .tar.gz bundle and a bundle directory, with an event and an audit entry", async () => {
    const a = await install.run(["export", "web", "--tenant", tenant, "--with-data", "--out", webArchive]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/saving image/);
    expect(a.stdout).toMatch(/1 volume\(s\) copied/);
    const b = await install.json<{
      images: { saved: string[] };
      volumes: string[];
      includesSecrets: boolean;
    }>([
      "export",
      "notes",
      "--tenant",
      tenant,
      "--with-data",
      "--include-secrets",
      "--yes",
      "--out",
      notesDir,
    ]);
    expect(b.images.saved.sort()).toEqual([redisImage, expect.stringMatching(/^aims-plug\//)].sort());
    expect(b.volumes).toEqual(["redis-data"]);
    expect(b.includesSecrets).toBe(true);
    // The real secret only in .env (0600), which --include-secrets asked for; .env.example leaves it blank.
    const shown = await install.json<{ secrets: Array<{ key: string; value: string }> }>([
      "secrets",
      "show",
      "notes",
      "--tenant",
      tenant,
      "--yes-show-secrets",
    ]);
    const password = shown.secrets.find((x) => x.key === "REDIS_PASSWORD")!.value;
    expect(readFileSync(join(notesDir, ".env"), "utf8")).toMatch(
      new RegExp(`^REDIS_PASSWORD=${password}$`, "m"),
    );
    expect(statSync(join(notesDir, ".env")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(notesDir, ".env.example"), "utf8")).toMatch(/^REDIS_PASSWORD=$/m);
    // Without --include-secrets, no .env at all.
    const webListing = (await sh("tar", ["tzf", webArchive], work)).out.split("\n");
    expect(webListing).toContain(`${tenant}-web/.env.example`);
    expect(webListing).not.toContain(`${tenant}-web/.env`);

    const db = openDb(install.dataDir);
    try {
      const events = db
        .prepare("select data from events where type = 'instance.exported' order by seq")
        .all() as Array<{ data: string }>;
      expect(events.map((e) => JSON.parse(e.data).name).slice(0, 2)).toEqual(["web", "notes"]);
      const audits = db
        .prepare("select action, target from audit_entries where action like 'instance.export%' order by seq")
        .all();
      expect(audits).toEqual([
        { action: "instance.export", target: `instance/${tenant}/web` },
        { action: "instance.export.secrets", target: `instance/${tenant}/notes` },
      ]);
      // The keys of the secrets written, never their values.
      const recorded = db
        .prepare("select data from audit_entries where action = 'instance.export.secrets'")
        .get() as {
        data: string;
      };
      expect(JSON.parse(recorded.data).secretKeys).toEqual(["REDIS_PASSWORD"]);
      const everything = db.prepare("select data from events union all select data from audit_entries").all();
      expect(JSON.stringify(everything)).not.toContain(password);
    } finally {
      db.close();
    }
    // The instance was paused for the copy, never stopped: it still serves.
    expect((await get(`http://127.0.0.1:${hostPort(web)}/healthz`)).status).toBe(200);
  });

  it("answers the bundle over the API as a .tar.gz (and to the CLI in remote mode), never with secrets", async () => {
    const serve = await startServe(install);
    try {
      const key = readFileSync(join(install.dataDir, "operator.key"), "utf8").trim();
      const res = await fetch(`${serve.apiUrl}/v1/tenants/${tenant}/instances/web/export?withData=true`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/gzip");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${tenant}-web.tar.gz"`);
      const archive = join(work, "api-notes.tar.gz");
      writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
      const listing = (await sh("tar", ["tzf", archive], work)).out.split("\n");
      for (const file of [
        "docker-compose.yml",
        ".env.example",
        "setup.sh",
        "healthcheck.sh",
        "nginx.conf",
        "README.md",
      ])
        expect(listing).toContain(`${tenant}-web/${file}`);
      expect(listing).toContain(`${tenant}-web/data/api-data.tar`);
      expect(listing.filter((f) => f.startsWith(`${tenant}-web/images/`) && f.endsWith(".tar"))).toHaveLength(
        1,
      );
      expect(listing).not.toContain(`${tenant}-web/.env`);
      // The CLI in remote mode downloads the same answer; secrets it refuses before asking anything.
      const remoteEnv = { AIMS_URL: serve.apiUrl, AIMS_API_KEY: key, AIMS_DATA_DIR: join(work, "client") };
      const remoteOut = join(work, "remote-notes.tar.gz");
      const remote = await install.run(
        ["export", "notes", "--tenant", tenant, "--out", remoteOut],
        remoteEnv,
      );
      expect(remote.code, remote.stderr).toBe(0);
      expect(remote.stdout).toContain(`./${tenant}-notes/setup.sh`);
      const remoteListing = (await sh("tar", ["tzf", remoteOut], work)).out.split("\n");
      expect(remoteListing).toContain(`${tenant}-notes/docker-compose.yml`);
      expect(remoteListing).not.toContain(`${tenant}-notes/data/redis-data.tar`);
      const secrets = await install.run(
        [
          "export",
          "notes",
          "--tenant",
          tenant,
          "--include-secrets",
          "--yes",
          "--out",
          join(work, "no.tar.gz"),
        ],
        remoteEnv,
      );
      expect(secrets.code).toBe(2);
      expect(secrets.stderr).toMatch(/--include-secrets works only on the AIMS host/);
      // An unknown instance is a 404 in the error shape, not an archive.
      const missing = await fetch(`${serve.apiUrl}/v1/tenants/${tenant}/instances/nope/export`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(missing.status).toBe(404);
      expect((await missing.json()).error.code).toBe("not_found");
    } finally {
      await serve.stop();
    }
  });

  it("runs each bundle from a clean directory after the instances and their images are gone", async () => {
    const webDir = join(work, "clean-web");
    mkdirSync(webDir);
    expect((await sh("tar", ["xzf", webArchive, "-C", webDir], webDir)).code).toBe(0);
    const webBundle = join(webDir, `${tenant}-web`);
    const notesBundle = join(work, "clean-notes");
    cpSync(notesDir, notesBundle, { recursive: true });
    stacks.push(webBundle, notesBundle);
    for (const dir of [webBundle, notesBundle]) for (const ref of imagesOf(dir)) named.add(ref);
    expect([...named]).toContain(redisImage);

    for (const name of ["web", "notes"])
      expect((await install.run(["rm", name, "--tenant", tenant, "--yes"])).code).toBe(0);
    for (const ref of named) await docker.getImage(ref).remove({ force: true });
    for (const ref of named) await expect(docker.getImage(ref).inspect()).rejects.toThrow();

    writeEnv(webBundle, "HOST_PORT_API_HTTP", WEB_PORT);
    writeEnv(notesBundle, "HOST_PORT_API_HTTP", NOTES_PORT);
    for (const dir of [webBundle, notesBundle]) {
      const setup = await sh("./setup.sh", [], dir);
      expect(setup.code, setup.out).toBe(0);
      expect(setup.out).toMatch(/is up at http:\/\/127\.0\.0\.1:556\d\d\//);
      const health = await sh("./healthcheck.sh", [], dir);
      expect(health.code, health.out).toBe(0);
      expect(statSync(join(dir, ".env")).mode & 0o777).toBe(0o600);
    }
    // The inputs came along (a value with spaces, quoted in .env), and the data.
    expect(JSON.parse((await get(`http://127.0.0.1:${WEB_PORT}/`)).body).greeting).toBe("hello from AIMS");
    expect((await get(`http://127.0.0.1:${WEB_PORT}/kv/motto`)).body).toBe("carried along");
    expect(JSON.parse((await get(`http://127.0.0.1:${NOTES_PORT}/notes`)).body).notes).toEqual([
      "first note",
    ]);

    // Idempotent: a second run keeps .env (its generated secrets) and the data.
    const env = readFileSync(join(notesBundle, ".env"), "utf8");
    expect((await sh("./setup.sh", [], notesBundle)).code).toBe(0);
    expect(readFileSync(join(notesBundle, ".env"), "utf8")).toBe(env);
    expect(JSON.parse((await get(`http://127.0.0.1:${NOTES_PORT}/notes`)).body).notes).toEqual([
      "first note",
    ]);

    // Nothing of the bundles' stacks is, or is named like, an AIMS object.
    for (const project of [`${tenant}-web`, `${tenant}-notes`]) {
      const filters = JSON.stringify({ label: [`com.docker.compose.project=${project}`] });
      const containers = await docker.listContainers({ all: true, filters });
      const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
      const networks = await docker.listNetworks({ filters });
      expect(containers.length).toBeGreaterThan(0);
      for (const labels of [...containers, ...volumes, ...networks].map((o) => o.Labels ?? {}))
        expect(Object.keys(labels).filter((k) => k.startsWith("aims."))).toEqual([]);
      const names = [
        ...containers.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ""))),
        ...volumes.map((v) => v.Name),
        ...networks.map((n) => n.Name),
      ];
      for (const name of names) expect(name).toMatch(new RegExp(`^${project}_`));
    }
  });

  it("takes its stacks down with docker-compose down -v", async () => {
    for (const dir of stacks) expect((await sh("docker-compose", ["down", "-v"], dir)).code).toBe(0);
    await removeByLabel(`com.docker.compose.project=${tenant}-web`);
    const left = await docker.listVolumes({
      filters: JSON.stringify({ label: [`com.docker.compose.project=${tenant}-notes`] }),
    });
    expect(left.Volumes ?? []).toEqual([]);
  });
});

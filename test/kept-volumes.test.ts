import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog/loadCatalog.js";
import { newId } from "../src/domain/names.js";
import { BUILTIN_CATALOG } from "../src/platform.js";
import {
  createTestInstall,
  docker,
  installationId,
  objectsWithLabel,
  openDb,
  rowCounts,
} from "./support/aimsCli.js";
import { execIn } from "./support/hostAddress.js";
import { containersOf, type InstanceJson } from "./support/instances.js";

/**
 * Kept volumes are store objects (issue "Lifecycle and CLI fixes", item 3): `rm --keep-volumes` keeps
 * them with their own id and the secrets their data was written with; `deploy --reuse-volumes` mounts them
 * with those secrets; removing the instance that reattached them removes them; `aims volumes` lists and
 * removes the ones that wait. PostgreSQL runs from the Debian-built image (`aims images build-local`).
 */
const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const setup = await createTestInstall("53550-53599", { AIMS_CATALOG_DIRS: FIXTURES, AIMS_PROXY: "off" });
let install = setup;
afterAll(() => install.cleanup());

beforeAll(async () => {
  const report = await setup.json<{ env: string }>(["images", "build-local", "--only", "postgres"]);
  const env = { AIMS_IMAGE_OVERRIDES: report.env };
  install = {
    ...setup,
    run: (args, extra = {}) => setup.run(args, { ...env, ...extra }),
    json: (args, extra = {}) => setup.json(args, { ...env, ...extra }),
  };
}, 600_000);

interface KeptJson {
  id: string;
  plug: string;
  service: string;
  volume: string;
  path: string;
  dockerVolume: string;
  keptFrom: { id: string; name: string };
  secrets: string[] | null;
  state: "kept" | "attached" | "removing";
  attachedTo: string | null;
}

interface RemovedJson {
  removed: { containers: number; networks: number; volumes: number };
  kept: string[];
}

const label = () => `aims.installation=${installationId(install.dataDir)}`;
const dockerVolumes = async () => (await objectsWithLabel(label())).volumes.map((v) => v.Name).sort();
const kept = (tenant: string) => install.json<KeptJson[]>(["volumes", "list", "--tenant", tenant]);
const keptRows = () => {
  const db = openDb(install.dataDir);
  try {
    return db.prepare("select * from kept_volumes order by id").all();
  } finally {
    db.close();
  }
};

async function dbContainer(instanceId: string) {
  const [c] = await containersOf(instanceId);
  if (!c) throw new Error(`no container for ${instanceId}`);
  return c;
}

async function password(tenant: string, name: string): Promise<string> {
  const shown = await install.json<{ secrets: Array<{ key: string; value: string }> }>([
    "secrets",
    "show",
    name,
    "--tenant",
    tenant,
    "--yes-show-secrets",
  ]);
  return shown.secrets.find((s) => s.key === "POSTGRES_PASSWORD")!.value;
}

/** psql over TCP as a network client: password (scram-sha-256) auth, never the socket's trust. */
const overTcp = (containerId: string, pass: string, sql: string) =>
  execIn(containerId, [
    "sh",
    "-c",
    `PGPASSWORD='${pass}' psql -h 127.0.0.1 -U app -d shop -w -X -tA -v ON_ERROR_STOP=1 -c "${sql}"`,
  ]);

describe("postgres data kept by rm --keep-volumes and reused by deploy --reuse-volumes", () => {
  let pg: InstanceJson;
  let secret: string;
  let keptId: string;
  let reusedId: string;

  beforeAll(async () => {
    pg = await install.json<InstanceJson>([
      ...["deploy", "postgres", "--tenant", "acme", "--name", "pg", "--set", "POSTGRES_DB=shop"],
      "--no-input",
    ]);
    secret = await password("acme", "pg");
    const wrote = await overTcp(
      (await dbContainer(pg.id)).Id,
      secret,
      "create table orders(id int); insert into orders values (42);",
    );
    expect(wrote.code, wrote.output).toBe(0);
  });

  it("keeps the volume as an object of its own, with the secret its data was written with", async () => {
    const removed = await install.json<RemovedJson>([
      "rm",
      "pg",
      "--tenant",
      "acme",
      "--keep-volumes",
      "--yes",
    ]);
    expect(removed.removed).toEqual({ containers: 1, networks: 1, volumes: 0 });
    expect(removed.kept).toHaveLength(1);
    keptId = removed.kept[0]!;
    const [volume, ...more] = await kept("acme");
    expect(more).toEqual([]);
    expect(volume).toMatchObject({
      id: keptId,
      plug: "postgres",
      service: "db",
      volume: "data",
      path: "/var/lib/postgresql/data",
      keptFrom: { id: pg.id, name: "pg" },
      secrets: ["POSTGRES_PASSWORD"],
      state: "kept",
      attachedTo: null,
    });
    // Named from the instance id, not its name: a later instance called pg never mounts it by accident.
    expect(volume!.dockerVolume).toContain(pg.id.toLowerCase());
    expect(await dockerVolumes()).toEqual([volume!.dockerVolume]);
  });

  it("a redeploy under the same name gets new, empty volumes", async () => {
    const again = await install.json<InstanceJson>([
      ...["deploy", "postgres", "--tenant", "acme", "--name", "pg", "--set", "POSTGRES_DB=shop"],
      "--no-input",
    ]);
    const fresh = await overTcp(
      (await dbContainer(again.id)).Id,
      await password("acme", "pg"),
      "select count(*) from pg_tables where tablename = 'orders'",
    );
    expect(fresh.output.trim()).toBe("0");
    expect((await kept("acme"))[0]?.state).toBe("kept");
    const removed = await install.json<RemovedJson>(["rm", "pg", "--tenant", "acme", "--yes"]);
    expect(removed.removed.volumes).toBe(1);
    expect(await dockerVolumes()).toHaveLength(1);
  });

  it("reattaches the kept volume with its secret: the row is there and the old password logs in", async () => {
    const reused = await install.json<InstanceJson>([
      ...["deploy", "postgres", "--tenant", "acme", "--name", "pg2", "--set", "POSTGRES_DB=shop"],
      ...["--reuse-volumes", keptId, "--no-input"],
    ]);
    expect(reused.state).toBe("ready");
    reusedId = reused.id;
    expect(await password("acme", "pg2")).toBe(secret);
    const c = await dbContainer(reused.id);
    const [volume] = await kept("acme");
    expect(c.Mounts.map((m) => m.Name)).toEqual([volume!.dockerVolume]);
    expect(volume).toMatchObject({ id: keptId, state: "attached", attachedTo: "pg2" });
    const row = await overTcp(c.Id, secret, "select id from orders");
    expect(row.code, row.output).toBe(0);
    expect(row.output.trim()).toBe("42");
  });

  it("proves readiness with a real query: with another password the health check's login fails", async () => {
    const health = loadCatalog([BUILTIN_CATALOG]).get("postgres").plug.services[0]!.health;
    if (!health || !("command" in health)) throw new Error("postgres has no command health check");
    const c = await dbContainer(reusedId);
    // The gate runs the command in the container, with its env: the instance's password.
    expect(await execIn(c.Id, health.command)).toMatchObject({ code: 0 });
    const wrong = await execIn(c.Id, ["env", "POSTGRES_PASSWORD=not-the-password", ...health.command]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/password authentication failed/);
  });

  it("removes the reattached volume with the instance: nothing kept, no volume left", async () => {
    const removed = await install.json<RemovedJson>(["rm", "pg2", "--tenant", "acme", "--yes"]);
    expect(removed.removed).toEqual({ containers: 1, networks: 1, volumes: 1 });
    expect(removed.kept).toEqual([]);
    expect(await kept("acme")).toEqual([]);
    expect(await dockerVolumes()).toEqual([]);
    const report = await install.json<{ orphans: { volumes: number } }>(["reconcile"]);
    expect(report.orphans.volumes).toBe(0);
  });
});

describe("a kept volume nobody reuses", () => {
  let keptId: string;
  let dockerName: string;

  beforeAll(async () => {
    await install.json(["deploy", "token-volume", "--tenant", "beta", "--name", "a", "--no-input"]);
    const removed = await install.json<RemovedJson>([
      "rm",
      "a",
      "--tenant",
      "beta",
      "--keep-volumes",
      "--yes",
    ]);
    keptId = removed.kept[0]!;
    dockerName = (await kept("beta"))[0]!.dockerVolume;
  });

  it("survives ticks: never an orphan", async () => {
    for (let i = 0; i < 2; i++) {
      const report = await install.json<{ orphans: { volumes: number } }>(["reconcile"]);
      expect(report.orphans.volumes).toBe(0);
    }
    expect(await dockerVolumes()).toEqual([dockerName]);
    expect((await kept("beta")).map((v) => [v.id, v.state])).toEqual([[keptId, "kept"]]);
  });

  it("refuses bad --reuse-volumes and volumes rm input with a clear message, changing nothing", async () => {
    const counts = rowCounts(install.dataDir);
    const rows = keptRows();
    const cases: Array<[string[], number, RegExp]> = [
      [
        ["deploy", "token-volume", "-t", "beta", "-n", "x", "--reuse-volumes", "01NOSUCHVOLUME"],
        3,
        /no kept volume 01NOSUCHVOLUME in tenant beta/,
      ],
      // Another tenant's kept volume reads the same as none.
      [
        ["deploy", "token-volume", "-t", "acme", "-n", "x", "--reuse-volumes", keptId],
        3,
        /no kept volume .* in tenant acme/,
      ],
      [
        ["deploy", "token-volume", "-t", "newco", "-n", "x", "--reuse-volumes", keptId],
        3,
        /no kept volume .* in tenant newco/,
      ],
      [
        ["deploy", "static-site", "-t", "beta", "-n", "x", "--reuse-volumes", keptId],
        2,
        /holds data of plug token-volume, not static-site/,
      ],
      [
        ["volumes", "rm", "01NOSUCHVOLUME", "-t", "beta", "--yes"],
        3,
        /no kept volume 01NOSUCHVOLUME in tenant beta/,
      ],
      [["volumes", "rm", keptId, "-t", "acme", "--yes"], 3, /no kept volume .* in tenant acme/],
      [["volumes", "list", "-t", "nosuch"], 3, /no tenant nosuch/],
    ];
    for (const [args, code, message] of cases) {
      const r = await install.run([...args, ...(args[0] === "deploy" ? ["--no-input"] : [])]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(message);
    }
    expect(rowCounts(install.dataDir)).toEqual(counts);
    expect(keptRows()).toEqual(rows);
    expect(await dockerVolumes()).toEqual([dockerName]);
  });

  it("a deploy its data refuses is undone and the volume waits again, data intact", async () => {
    // As for a volume kept by an earlier release: no secrets recorded, so the deploy gets a new TOKEN.
    const db = new BetterSqlite3(join(install.dataDir, "aims.db"));
    db.prepare("update kept_volumes set secrets = null where id = ?").run(keptId);
    db.close();
    const r = await install.run([
      ...["deploy", "token-volume", "--tenant", "beta", "--name", "b", "--reuse-volumes", keptId],
      "--no-input",
    ]);
    expect(r.code, r.stderr).toBe(8);
    expect(r.stderr).toMatch(/data written with another TOKEN/);
    expect((await kept("beta")).map((v) => [v.id, v.state, v.secrets])).toEqual([[keptId, "kept", null]]);
    expect(await dockerVolumes()).toEqual([dockerName]);
  });

  it("volumes rm removes it and its Docker volume", async () => {
    const r = await install.run(["volumes", "rm", keptId, "--tenant", "beta", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed kept volume ${keptId}`);
    expect(await kept("beta")).toEqual([]);
    expect(await dockerVolumes()).toEqual([]);
  });
});

describe("volumes kept by an earlier release", () => {
  it("are adopted by the tick as kept volumes (secrets not recorded), then removable", async () => {
    // What an earlier release left: an instance removed with keepVolumes, its volume named by tenant and name.
    const id = installationId(install.dataDir)!;
    const db = new BetterSqlite3(join(install.dataDir, "aims.db"));
    const legacyId = newId();
    const source = db.prepare("select * from instances where name = 'a'").get() as Record<string, unknown>;
    const spec = { ...JSON.parse(source.spec as string), keepVolumes: true };
    db.prepare(
      `insert into instances (id, tenant_id, name, plug_id, plug_version, desired_state, observed_state, reason,
         revision, spec, created_at, updated_at, removed_at, volume_naming)
       values (?, ?, 'old', 'token-volume', '1.0.0', 'removed', 'removed', null, 1, ?, ?, ?, ?, 'name')`,
    ).run(legacyId, source.tenant_id, JSON.stringify(spec), ...Array(3).fill(new Date().toISOString()));
    db.close();
    const name = `aims-${id.slice(-6).toLowerCase()}-beta-old-app-data`;
    await docker.createVolume({
      Name: name,
      Labels: {
        "aims.managed": "true",
        "aims.installation": id,
        "aims.tenant": source.tenant_id as string,
        "aims.instance": legacyId,
        "aims.service": "app",
      },
    });

    const first = await install.json<{ orphans: { volumes: number }; keptVolumes: { adopted: number } }>([
      "reconcile",
    ]);
    expect(first.keptVolumes.adopted).toBe(1);
    expect(first.orphans.volumes).toBe(0);
    const [adopted, ...more] = await kept("beta");
    expect(more).toEqual([]);
    expect(adopted).toMatchObject({
      dockerVolume: name,
      keptFrom: { id: legacyId, name: "old" },
      service: "app",
      volume: "data",
      path: "/data",
      secrets: null,
      state: "kept",
    });
    const second = await install.json<{ keptVolumes: { adopted: number } }>(["reconcile"]);
    expect(second.keptVolumes.adopted).toBe(0);
    expect(await dockerVolumes()).toEqual([name]);

    expect((await install.run(["volumes", "rm", adopted!.id, "--tenant", "beta", "--yes"])).code).toBe(0);
    expect(await kept("beta")).toEqual([]);
    expect(await dockerVolumes()).toEqual([]);
  });
});

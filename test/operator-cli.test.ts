import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker, installationId, openDb } from "./support/aimsCli.js";

/**
 * `aims tenant create|list|suspend|delete` on the host (ports 54300-54389), on the real engine: a tenant with
 * an instance holding a volume and a kept volume, suspended, then deleted with --force --yes, leaving no Docker
 * object of it, no member, key or invitation, and its history.
 */
const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const install = await createTestInstall("54300-54389", { AIMS_CATALOG_DIRS: FIXTURES });
afterAll(() => install.cleanup());

interface TenantJson {
  id: string;
  name: string;
  status: string;
  plan: string;
}

let beta: TenantJson;
let keptId: string;

beforeAll(async () => {
  beta = await install.json<TenantJson>(["tenant", "create", "beta", "--plan", "starter"]);
  await install.json(["deploy", "token-volume", "--tenant", "beta", "--name", "a", "--no-input"]);
  await install.json(["deploy", "token-volume", "--tenant", "beta", "--name", "k", "--no-input"]);
  keptId = (
    await install.json<{ kept: string[] }>(["rm", "k", "--tenant", "beta", "--keep-volumes", "--yes"])
  ).kept[0]!;
}, 120_000);

/** Containers, networks and volumes of this install labelled with beta. */
async function betaObjects(): Promise<number> {
  const filters = JSON.stringify({
    label: [`aims.installation=${installationId(install.dataDir)}`, `aims.tenant=${beta.id}`],
  });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return containers.length + networks.length + (volumes.Volumes ?? []).length;
}

describe("aims tenant", () => {
  it("creates on the plan asked for, refuses an unknown plan naming the plans, and lists plan and status", async () => {
    expect(beta).toMatchObject({ name: "beta", plan: "starter", status: "active" });
    const bad = await install.run(["tenant", "create", "gamma", "--plan", "gold"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no plan is called gold: the plans are starter, team, business, sovereign/);
    const list = await install.json<TenantJson[]>(["tenant", "list"]);
    expect(list.map((t) => [t.name, t.plan, t.status])).toEqual([["beta", "starter", "active"]]);
  });

  it("suspends: instances stop with their data, nothing starts until resume, a second suspend says so", async () => {
    const r = await install.run(["tenant", "suspend", "beta"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/suspended tenant beta: 1 instance\(s\) stopped, data kept/);
    expect(r.stdout).toMatch(/a\s+running\s+suspended/);
    const ps = await install.json<Array<{ name: string; state: string }>>(["ps", "--tenant", "beta"]);
    expect(ps.map((i) => [i.name, i.state])).toEqual([["a", "suspended"]]);
    const start = await install.run(["resume", "a", "--tenant", "beta"]);
    expect(start.code).toBe(4);
    expect(start.stderr).toMatch(/tenant beta is suspended by the operator.*`aims tenant resume beta`/);
    const update = await install.run(["update", "a", "--tenant", "beta", "--cpu", "0.5"]);
    expect(update.code).toBe(4);
    expect(update.stderr).toMatch(/tenant beta is suspended by the operator/);
    const again = await install.run(["tenant", "suspend", "beta"]);
    expect([again.code, again.stdout]).toEqual([0, "tenant beta is already suspended\n"]);
  });

  it("deletes only after a confirmation, and only with --force while instances are left", async () => {
    const unasked = await install.run(["tenant", "delete", "beta", "--force"]);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toMatch(/refusing to delete a tenant without --yes/);
    const refused = await install.run(["tenant", "delete", "beta", "--yes"]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/tenant beta still has 1 instance\(s\): a; .*--force/);
    expect(await betaObjects()).toBeGreaterThan(0);
  });

  it("--force --yes removes the instances, their volumes and the kept ones; the history stays", async () => {
    const deleted = await install.json<{ instances: string[]; keptVolumes: string[]; removed: object }>([
      "tenant",
      "delete",
      "beta",
      "--force",
      "--yes",
    ]);
    expect(deleted).toMatchObject({
      instances: ["a"],
      keptVolumes: [keptId],
      removed: { containers: 1, networks: 1, volumes: 1 },
    });
    expect(await betaObjects()).toBe(0);
    const db = openDb(install.dataDir);
    try {
      expect(db.prepare("select status from tenants where id = ?").get(beta.id)).toEqual({
        status: "deleted",
      });
      expect(
        db
          .prepare("select count(*) as n from kept_volumes where tenant_id = ? and removed_at is null")
          .get(beta.id),
      ).toEqual({ n: 0 });
      const actions = db
        .prepare("select action from audit_entries where tenant_id = ? order by seq")
        .all(beta.id)
        .map((r) => (r as { action: string }).action);
      expect(actions).toEqual(
        expect.arrayContaining([
          "tenant.create",
          "instance.deploy",
          "tenant.suspend",
          "tenant.delete.force",
          "volume.remove",
          "tenant.delete",
        ]),
      );
    } finally {
      db.close();
    }
    const events = await install.run(["events", "--tenant", "beta", "--type", "tenant."]);
    expect(events.stdout).toMatch(/tenant\.created[\s\S]*tenant\.suspended[\s\S]*tenant\.deleted/);
    const list = await install.json<TenantJson[]>(["tenant", "list"]);
    expect(list.map((t) => [t.name, t.status])).toEqual([["beta", "deleted"]]);
    const deploy = await install.run(["deploy", "static-site", "--tenant", "beta", "--name", "web"]);
    expect(deploy.code).toBe(4);
    expect(deploy.stderr).toMatch(/tenant beta was deleted/);
  });
});

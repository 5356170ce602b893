import { describe, expect, it } from "vitest";
import { instanceRow, iso, NOW } from "../../test/support/rows.js";
import type { InstanceSpec } from "../domain/instanceSpec.js";
import { objectPrefix } from "../domain/objectNames.js";
import { type ContainerState, LABEL, type ObjectSummary } from "../runtime/RuntimeDriver.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import {
  expectedContainerNames,
  findAdoptions,
  findOrphans,
  instanceVolumes,
  needsWork,
  planNetworkPool,
  volumesToKeep,
} from "./planTick.js";

function container(name: string, running = true, labels: Record<string, string> = {}): ContainerState {
  return {
    id: `id-${name}`,
    name,
    image: "ghost:1",
    labels,
    running,
    status: running ? "running" : "exited",
    exitCode: 0,
    oomKilled: false,
    restartCount: 0,
    ipAddresses: {},
  };
}

const web = "aims-t-blog-web-1-r1";
const db = "aims-t-blog-db-1-r1";
const check = (row: InstanceRow, containers: ContainerState[] = [container(web), container(db)]) =>
  needsWork(row, [web, db], containers, NOW);

describe("expectedContainerNames", () => {
  it("names every replica of every service at the row's revision (one replica unless scaled)", () => {
    // Only the fields the names depend on; a full manifest adds nothing here.
    const spec = { plug: { services: [{ name: "web" }, { name: "db" }] }, replicas: { web: 2 } };
    const prefix = objectPrefix("install-1", "acme", "blog");
    const names = expectedContainerNames(
      "install-1",
      "acme",
      instanceRow({ revision: 3 }),
      spec as unknown as InstanceSpec,
    );
    expect(names).toEqual([`${prefix}-web-1-r3`, `${prefix}-web-2-r3`, `${prefix}-db-1-r3`]);
  });
});

describe("needsWork", () => {
  it("works on a pending removal", () => {
    expect(check(instanceRow({ desired_state: "removed" }))).toEqual({ work: true, why: "removal pending" });
  });

  it("works on an instance that should be stopped or suspended", () => {
    expect(check(instanceRow({ desired_state: "stopped" }))).toEqual({
      work: true,
      why: "should be stopped",
    });
    expect(check(instanceRow({ desired_state: "suspended", observed_state: "stopped" }))).toEqual({
      work: true,
      why: "should be suspended",
    });
  });

  it("works on a stopped instance only while a container runs", () => {
    const row = instanceRow({ desired_state: "stopped", observed_state: "stopped" });
    expect(check(row, [container(web, false), container(db)])).toEqual({
      work: true,
      why: "containers running while stopped",
    });
    expect(check(row, [container(web, false)])).toEqual({ work: false });
  });

  it("works on a requested restart, even of a failed instance", () => {
    const row = instanceRow({ observed_state: "failed", restart_requested_at: iso(-1) });
    expect(check(row)).toEqual({ work: true, why: "restart requested" });
  });

  it("leaves a failed instance alone", () => {
    expect(check(instanceRow({ observed_state: "failed" }), [])).toEqual({ work: false });
  });

  it("waits for a restart that is not due yet, and works on one that is", () => {
    const waiting = instanceRow({ observed_state: "degraded", retry_at: iso(5000) });
    expect(check(waiting)).toEqual({ work: false, retryAt: NOW + 5000 });
    expect(check(instanceRow({ observed_state: "degraded", retry_at: iso(0) }))).toEqual({
      work: true,
      why: "restart due",
    });
  });

  it("works on a due update", () => {
    expect(check(instanceRow({ revision: 2 }))).toEqual({ work: true, why: "update to revision 2" });
  });

  it("works on an instance not observed ready", () => {
    expect(check(instanceRow({ observed_state: "deploying" }))).toEqual({
      work: true,
      why: "observed deploying",
    });
  });

  it("works when an expected container is missing or not running", () => {
    expect(check(instanceRow(), [container(web)])).toEqual({ work: true, why: `container ${db} missing` });
    expect(check(instanceRow(), [container(web, false), container(db)])).toEqual({
      work: true,
      why: `container ${web} exited`,
    });
  });

  it("works on a stale extra container, naming its revision", () => {
    const old = container("aims-t-blog-web-1-r0", true, { [LABEL.revision]: "0" });
    expect(check(instanceRow(), [container(web), container(db), old])).toEqual({
      work: true,
      why: "stale container aims-t-blog-web-1-r0 (revision 0)",
    });
    const unlabelled = container("aims-t-blog-web-2-r1");
    expect(check(instanceRow(), [container(web), container(db), unlabelled])).toEqual({
      work: true,
      why: "stale container aims-t-blog-web-2-r1 (revision ?)",
    });
  });

  it("answers no in steady state", () => {
    expect(check(instanceRow())).toEqual({ work: false });
  });
});

const summary = (name: string, instance?: string, service?: string): ObjectSummary => ({
  id: `id-${name}`,
  name,
  labels: {
    ...(instance ? { [LABEL.instance]: instance } : {}),
    ...(service ? { [LABEL.service]: service } : {}),
  },
});

describe("findOrphans", () => {
  it("finds objects of unknown instances, keeps known ones and kept volumes of removed ones", () => {
    const objects = {
      containers: [
        container("known-web", true, { [LABEL.instance]: "known" }),
        container("gone-web", false, { [LABEL.instance]: "gone" }),
      ],
      networks: [summary("known-net", "known"), summary("gone-net", "gone"), summary("unlabelled-net")],
      volumes: [
        summary("known-data", "known"),
        summary("gone-data", "gone"),
        summary("kept-data", "kept"),
        summary("owned-data", "gone"),
        summary("unlabelled-data"),
      ],
    };
    const orphans = findOrphans(objects, new Set(["known"]), new Set(["kept"]), new Set(["owned-data"]));
    expect(orphans.containers.map((c) => c.name)).toEqual(["gone-web"]);
    expect(orphans.networks.map((n) => n.name)).toEqual(["gone-net", "unlabelled-net"]);
    expect(orphans.volumes.map((v) => v.name)).toEqual(["gone-data", "unlabelled-data"]);
  });

  it("keeps the pool networks the store records, waiting or claimed, and removes one it never recorded", () => {
    const pool = (name: string): ObjectSummary => ({ id: name, name, labels: { [LABEL.pool]: name } });
    const objects = {
      containers: [],
      networks: [pool("waiting"), pool("claimed"), pool("unfinished")],
      volumes: [],
    };
    const orphans = findOrphans(objects, new Set(), new Set(), new Set(), new Set(["waiting", "claimed"]));
    expect(orphans.networks.map((n) => n.name)).toEqual(["unfinished"]);
    // A network named like a recorded pool network but without the pool's label is judged by its instance.
    const impostor = { containers: [], networks: [summary("waiting", "gone")], volumes: [] };
    expect(
      findOrphans(impostor, new Set(), new Set(), new Set(), new Set(["waiting"])).networks,
    ).toHaveLength(1);
  });
});

describe("planNetworkPool", () => {
  const waiting = (name: string) => ({ name, instance_id: null });
  const claimed = (name: string, instance: string) => ({ name, instance_id: instance });

  it("tops the pool up to its size, counting only waiting networks", () => {
    expect(planNetworkPool([waiting("a"), claimed("b", "i1")], new Set(["i1"]), 4)).toEqual({
      create: 3,
      trim: [],
      release: [],
    });
  });

  it("trims waiting networks beyond a smaller size, the newest first kept out", () => {
    expect(planNetworkPool([waiting("a"), waiting("b"), waiting("c")], new Set(), 1)).toEqual({
      create: 0,
      trim: ["b", "c"],
      release: [],
    });
  });

  it("releases networks claimed by instances the store no longer has, never those of live ones", () => {
    expect(planNetworkPool([claimed("a", "gone"), claimed("b", "live")], new Set(["live"]), 0)).toEqual({
      create: 0,
      trim: [],
      release: ["a"],
    });
  });
});

const pgSpec = {
  plug: { services: [{ name: "db", volumes: [{ name: "data", path: "/var/lib/postgresql/data" }] }] },
} as unknown as InstanceSpec;

describe("instanceVolumes", () => {
  it("names each service volume by the instance's scheme: its id, or its name for instances from before", () => {
    const byId = instanceVolumes("install-abc123", "acme", instanceRow({ id: "01ID" }), pgSpec);
    expect(byId).toEqual([
      { service: "db", volume: "data", path: "/var/lib/postgresql/data", name: "aims-abc123-01id-db-data" },
    ]);
    const byName = instanceVolumes("install-abc123", "acme", instanceRow({ volume_naming: "name" }), pgSpec);
    expect(byName.map((v) => v.name)).toEqual(["aims-abc123-acme-blog-db-data"]);
  });
});

describe("volumesToKeep", () => {
  const manifest = instanceVolumes("install-abc123", "acme", instanceRow({ id: "01ID" }), pgSpec);

  it("describes labelled volumes from the manifest and leaves attached ones to be kept again as they are", () => {
    const kept = volumesToKeep(
      [summary("aims-abc123-01id-db-data", "01ID", "db"), summary("aims-abc123-old-db-data", "OLD", "db")],
      manifest,
      new Set(["aims-abc123-old-db-data"]),
    );
    expect(kept).toEqual(manifest);
  });

  it("keeps a labelled volume the manifest no longer names, without a mount path", () => {
    expect(volumesToKeep([summary("aims-x-db-cache", "01ID", "db")], manifest, new Set())).toEqual([
      { service: "db", volume: "aims-x-db-cache", path: "", name: "aims-x-db-cache" },
    ]);
    expect(volumesToKeep([summary("aims-x-unlabelled")], manifest, new Set())[0]?.service).toBe("");
  });
});

describe("findAdoptions", () => {
  const removed = instanceRow({ id: "OLD", volume_naming: "name", desired_state: "removed" });
  const legacy = new Map([
    ["OLD", { row: removed, volumes: instanceVolumes("install-abc123", "acme", removed, pgSpec) }],
  ]);
  const name = "aims-abc123-acme-blog-db-data";

  it("adopts a volume of a legacy kept instance that its manifest names, attached to who mounts it by name", () => {
    const [adopted] = findAdoptions([summary(name, "OLD")], legacy, new Map([[name, "NEW"]]), new Set());
    expect(adopted).toMatchObject({
      service: "db",
      volume: "data",
      name,
      from: removed,
      reattachedTo: "NEW",
    });
    expect(findAdoptions([summary(name, "OLD")], legacy, new Map(), new Set())[0]?.reattachedTo).toBeNull();
  });

  it("skips volumes already recorded, of other instances, unlabelled, or that the manifest does not name", () => {
    const volumes = [
      summary(name, "OLD"),
      summary("other", "ELSE"),
      summary("nolabel"),
      summary("extra", "OLD"),
    ];
    expect(findAdoptions(volumes, legacy, new Map(), new Set([name]))).toEqual([]);
  });
});

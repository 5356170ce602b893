import { describe, expect, it } from "vitest";
import { plugSchema } from "../domain/manifest.js";
import { LEGACY_DEFAULT_RESOURCES, sizePlug } from "../domain/sizedPlug.js";
import { containerHardening } from "./containerHardening.js";
import { renderInstance, resolveEnv, startOrder } from "./renderInstance.js";

const plug = sizePlug(
  plugSchema.parse({
    apiVersion: "aims.dev/v1",
    kind: "Plug",
    id: "stack",
    version: "2.0.0",
    name: "Stack",
    category: "platform",
    inputs: [
      { key: "TITLE", type: "string", question: "Title?", default: "Hi" },
      { key: "ADMIN_PASSWORD", type: "secret", question: "Admin password?" },
    ],
    secrets: [{ key: "DB_PASSWORD" }],
    services: [
      {
        name: "app",
        image: "example/app:1.2.3",
        dependsOn: ["db"],
        env: {
          TITLE: "${inputs.TITLE}",
          DB: "postgres://app:${secrets.DB_PASSWORD}@db/app",
          ADMIN: "${inputs.ADMIN_PASSWORD}",
          WHO: "${tenant.name}/${instance.name}",
        },
        ports: [{ name: "http", container: 3000 }],
        resources: { cpu: 1, memory: "512m", pids: 200 },
      },
      {
        name: "db",
        image: "postgres:16.4",
        ports: [{ name: "pg", container: 5432, protocol: "tcp", public: false }],
        volumes: [{ name: "data", path: "/var/lib/postgresql/data" }],
        runAsRoot: true,
        capAdd: ["CHOWN", "SETUID", "SETGID"],
      },
    ],
  }),
  LEGACY_DEFAULT_RESOURCES,
);

const ctx = {
  installationId: "01JINSTALLATION0000ABC123",
  tenant: { id: "T1", name: "acme" },
  instance: { id: "I1", name: "shop", revision: 1 },
  inputs: { TITLE: "Hello" },
  images: { app: "example/app:1.2.3", db: "local/postgres:16" },
  hostPorts: { "app/http/1": 51007 },
  bindAddress: "127.0.0.1",
};

describe("renderInstance", () => {
  it("starts dependencies first", () => {
    expect(startOrder(plug).map((s) => s.name)).toEqual(["db", "app"]);
  });

  it("renders names, labels, limits, ports and user deterministically", () => {
    const plan = renderInstance(plug, ctx);
    expect(plan).toEqual(renderInstance(plug, ctx));
    expect(plan.network.name).toBe("aims-abc123-acme-shop");
    expect(plan.network.labels).toEqual({
      "aims.managed": "true",
      "aims.installation": ctx.installationId,
      "aims.tenant": "T1",
      "aims.instance": "I1",
    });
    const [db, app] = plan.containers;
    expect(db?.spec.name).toBe("aims-abc123-acme-shop-db-1-r1");
    expect(db?.spec.user).toBeUndefined();
    expect(db?.spec.ports).toEqual([]);
    expect(db?.spec.mounts).toEqual([
      { volume: "aims-abc123-i1-db-data", path: "/var/lib/postgresql/data", readOnly: false },
    ]);
    expect(app?.spec.user).toBe("65534:65534");
    expect(app?.spec.aliases).toEqual(["app"]);
    expect(app?.spec.limits).toEqual({
      nanoCpus: 1e9,
      memoryBytes: 512 * 1024 * 1024,
      memorySwapBytes: 512 * 1024 * 1024,
      pids: 200,
    });
    expect(app?.spec.ports).toEqual([
      { containerPort: 3000, protocol: "tcp", hostPort: 51007, bindAddress: "127.0.0.1" },
    ]);
    expect(plan.secretKeys.sort()).toEqual(["ADMIN_PASSWORD", "DB_PASSWORD"]);
  });

  it("names volumes by instance id, by name for instances from before, or mounts kept ones it reattached", () => {
    const mounts = (extra: object) => renderInstance(plug, { ...ctx, ...extra }).containers[0]?.spec.mounts;
    expect(mounts({ volumeNaming: "name" })?.[0]?.volume).toBe("aims-abc123-acme-shop-db-data");
    const attached = { attachedVolumes: { "db/data": "aims-abc123-old-db-data" } };
    expect(mounts(attached)?.[0]?.volume).toBe("aims-abc123-old-db-data");
    expect(renderInstance(plug, { ...ctx, ...attached }).volumes.map((v) => v.name)).toEqual([
      "aims-abc123-old-db-data",
    ]);
  });

  it("hardens every container with its service's capabilities only", () => {
    const [db, app] = renderInstance(plug, ctx).containers;
    expect(app?.spec).toMatchObject(containerHardening([]));
    expect(db?.spec).toMatchObject(containerHardening(["CHOWN", "SETUID", "SETGID"]));
  });

  it("keeps secrets out of the plan and fills them only on request", () => {
    const env = renderInstance(plug, ctx).containers[1]!.spec.env;
    expect(env).toEqual({
      TITLE: "Hello",
      DB: "postgres://app:${secrets.DB_PASSWORD}@db/app",
      ADMIN: "${secrets.ADMIN_PASSWORD}",
      WHO: "acme/shop",
    });
    expect(resolveEnv(env, "redacted").DB).toBe("postgres://app:<secret:DB_PASSWORD>@db/app");
    expect(resolveEnv(env, { DB_PASSWORD: "s3cret", ADMIN_PASSWORD: "adm1n" })).toMatchObject({
      DB: "postgres://app:s3cret@db/app",
      ADMIN: "adm1n",
    });
  });
});

describe("renderInstance of an imported compose service", () => {
  const imported = sizePlug(
    plugSchema.parse({
      apiVersion: "aims.dev/v1",
      kind: "Plug",
      id: "imported",
      version: "1.0.0",
      name: "imported",
      category: "platform",
      services: [
        {
          name: "worker",
          image: "example/worker:1.0.0",
          user: "postgres",
          workingDir: "/srv",
          stopSignal: "SIGINT",
          stopGracePeriodSeconds: 30,
          labels: { "com.example.role": "worker" },
        },
      ],
    }),
    LEGACY_DEFAULT_RESOURCES,
  );

  it("passes the file's user, working directory, stop signal, grace period and labels beside AIMS's own", () => {
    const [worker] = renderInstance(imported, {
      ...ctx,
      images: { worker: "example/worker:1.0.0" },
      hostPorts: {},
    }).containers;
    expect(worker?.spec).toMatchObject({
      user: "postgres",
      workingDir: "/srv",
      stopSignal: "SIGINT",
      stopTimeoutSeconds: 30,
      labels: { "com.example.role": "worker", "aims.instance": "I1", "aims.service": "worker" },
    });
  });

  it("refuses a label that poses as one of AIMS's own", () => {
    const forged = plugSchema.safeParse({
      ...imported,
      services: [{ ...imported.services[0], labels: { "aims.instance": "someone-else" } }],
    });
    expect(forged.success).toBe(false);
    expect(forged.error?.issues.map((i) => i.message)).toEqual([
      "may not use keys starting with aims., which AIMS reserves for its own labels",
    ]);
  });
});

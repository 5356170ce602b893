import { expect } from "vitest";
import { docker, objectsWithLabel, openDb, type TestInstall } from "./aimsCli.js";

export interface InstanceJson {
  id: string;
  tenant: string;
  name: string;
  state: string;
  reason: string | null;
  revision: number;
  url: string;
  ports: Array<{ service: string; hostPort: number; containerPort: number; url?: string }>;
}

/**
 * The instance as `aims ps --json` shows it, or undefined when ps does not list it. A failing ps throws
 * with its output, an unknown tenant included (tenants are never removed, so that is a test's mistake):
 * an assertion of absence must never pass because the CLI crashed.
 */
export async function psOne(
  install: TestInstall,
  tenant: string,
  name: string,
): Promise<InstanceJson | undefined> {
  const list = await install.json<InstanceJson[]>(["ps", "--tenant", tenant]);
  return list.find((i) => i.name === name);
}

/** Containers of an instance with their inspect data. */
export async function containersOf(instanceId: string) {
  const { containers } = await objectsWithLabel(`aims.instance=${instanceId}`);
  return Promise.all(containers.map((c) => docker.getContainer(c.Id).inspect()));
}

/** Event types of one instance, oldest first. */
export function eventTypes(install: TestInstall, instanceId: string): string[] {
  const db = openDb(install.dataDir);
  try {
    return (
      db.prepare("select type from events where subject = ? order by seq").all(instanceId) as Array<{
        type: string;
      }>
    ).map((r) => r.type);
  } finally {
    db.close();
  }
}

/**
 * The port invariants after any operation: every allocation belongs to an active instance, no port is
 * held twice, and every running container publishes exactly the ports allocated to it.
 */
export async function expectPortsConsistent(install: TestInstall, installationId: string): Promise<void> {
  const db = openDb(install.dataDir);
  let rows: Array<{ port: number; instance_id: string; removed_at: string | null }>;
  try {
    rows = db
      .prepare(
        "select a.port, a.instance_id, i.removed_at from allocations a join instances i on i.id = a.instance_id",
      )
      .all() as typeof rows;
  } finally {
    db.close();
  }
  expect(
    rows.filter((r) => r.removed_at !== null),
    "ports held by removed instances",
  ).toEqual([]);
  const { containers } = await objectsWithLabel(`aims.installation=${installationId}`);
  const published = containers
    .filter((c) => c.State === "running")
    .flatMap((c) =>
      c.Ports.filter((p) => p.PublicPort).map((p) => ({
        port: p.PublicPort,
        instance: c.Labels["aims.instance"],
      })),
    );
  const ports = published.map((p) => p.port);
  expect(new Set(ports).size, "a host port published twice").toBe(ports.length);
  for (const p of published) {
    expect(
      rows.find((r) => r.port === p.port)?.instance_id,
      `port ${p.port} published without an allocation`,
    ).toBe(p.instance);
  }
}

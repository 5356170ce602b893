import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker, objectsWithLabel } from "./support/aimsCli.js";
import { get } from "./support/http.js";

interface InstanceJson {
  id: string;
  url: string;
  ports: Array<{ hostPort: number }>;
}

const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const install = await createTestInstall("52300-52349", { AIMS_CATALOG_DIRS: FIXTURES });
afterAll(() => install.cleanup());

/** Asks the node-api `front` of an instance to GET a URL from inside its container. */
async function fetchFrom(
  instance: InstanceJson,
  url: string,
): Promise<{ status?: number; body?: string; error?: string }> {
  const res = await get(`${instance.url}fetch?url=${encodeURIComponent(url)}`, 10_000);
  return JSON.parse(res.body);
}

async function containerOf(instanceId: string, service: string) {
  const { containers } = await objectsWithLabel(`aims.instance=${instanceId}`);
  const summary = containers.find((c) => c.Labels["aims.service"] === service)!;
  return docker.getContainer(summary.Id).inspect();
}

describe("network isolation between instances", () => {
  let a: InstanceJson;
  let b: InstanceJson;
  let c: InstanceJson;

  beforeAll(async () => {
    // Same plug for two tenants, and a second instance of the same tenant.
    a = await install.json<InstanceJson>(["deploy", "pair", "--tenant", "alpha", "--name", "one"]);
    b = await install.json<InstanceJson>(["deploy", "pair", "--tenant", "bravo", "--name", "one"]);
    c = await install.json<InstanceJson>(["deploy", "pair", "--tenant", "alpha", "--name", "two"]);
  });

  it("lets services of one instance reach each other by name", async () => {
    const r = await fetchFrom(a, "http://back:3000/");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body!)).toMatchObject({ greeting: "back" });
  });

  it("publishes only public ports", async () => {
    const back = await containerOf(a.id, "back");
    expect(Object.keys(back.HostConfig.PortBindings ?? {})).toEqual([]);
    expect(a.ports).toHaveLength(1);
  });

  it("keeps instances of other tenants and of the same tenant unreachable", async () => {
    for (const other of [b, c]) {
      const back = await containerOf(other.id, "back");
      const ip = Object.values(back.NetworkSettings.Networks)[0]!.IPAddress;
      const byIp = await fetchFrom(a, `http://${ip}:3000/healthz`);
      expect(byIp.status, `reached ${ip}`).toBeUndefined();
      expect(byIp.error).toBeTruthy();
      const byName = await fetchFrom(a, `http://${back.Name.slice(1)}:3000/healthz`);
      expect(byName.status).toBeUndefined();
    }
  });

  it("gives each instance its own network, containers and names", async () => {
    const names = new Set<string>();
    for (const inst of [a, b, c]) {
      const objs = await objectsWithLabel(`aims.instance=${inst.id}`);
      expect(objs.networks).toHaveLength(1);
      expect(objs.containers).toHaveLength(2);
      for (const ct of objs.containers) names.add(ct.Names[0]!);
    }
    expect(names.size).toBe(6);
  });
});

import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/support/http.js";
import { containerHardening } from "../../catalog/containerHardening.js";
import { AimsError } from "../../domain/errors.js";
import { ensureBaseImages } from "../../images/baseImages.js";
import { ensureBuiltImage } from "../../images/buildPlugImage.js";
import { type ContainerSpec, LABEL, type Labels } from "../RuntimeDriver.js";
import { DockerDriver } from "./DockerDriver.js";

const SOCKET = "/var/run/docker.sock";
const ROOT = resolve(import.meta.dirname, "../../..");
const run = randomBytes(4).toString("hex");
const labels: Labels = { [LABEL.managed]: "true", [LABEL.installation]: `test-${run}` };
const name = (what: string) => `aims-test-${run}-${what}`;
const driver = new DockerDriver({ socketPath: SOCKET, pullTimeoutMs: 10_000 });

/** Removes everything this run created, found by its installation label. */
async function removeLabelled(): Promise<void> {
  const found = await driver.listManaged(labels);
  await Promise.all(found.containers.map((c) => driver.removeContainer(c.id)));
  await Promise.all(found.networks.map((n) => driver.removeNetwork(n.name)));
  await Promise.all(found.volumes.map((v) => driver.removeVolume(v.name)));
}

async function waitForHealth(url: string, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return res.status;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

afterAll(removeLabelled, 60_000);

describe("DockerDriver against the real engine", () => {
  it("pings the engine", async () => {
    const info = await driver.ping();
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(info.storageDriver).not.toBe("");
    expect(Array.isArray(info.addressPools)).toBe(true);
    for (const pool of info.addressPools)
      expect(pool).toEqual({ base: expect.any(String), size: expect.any(Number) });
    await expect(driver.reachable()).resolves.toBeUndefined();
  });

  it("says plainly when no engine answers, for every method", async () => {
    const absent = new DockerDriver({ socketPath: "/tmp/nope.sock", pullTimeoutMs: 1000 });
    const expected = {
      code: "unavailable",
      message: expect.stringMatching(
        /^Docker engine unreachable at \/tmp\/nope\.sock: .*AIMS_DOCKER_SOCKET\.$/,
      ),
    };
    await expect(absent.ping()).rejects.toMatchObject(expected);
    await expect(absent.reachable()).rejects.toMatchObject(expected);
    await expect(absent.listManaged(labels)).rejects.toMatchObject(expected);
    await expect(absent.pullImage("registry.invalid/x:1")).rejects.toMatchObject(expected);
    await expect(collect(absent.logs("x", { follow: false }))).rejects.toMatchObject(expected);
  });

  it("fails a pull quickly, naming the image and the override", async () => {
    const started = Date.now();
    const err = await driver.pullImage("registry.invalid/x:1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AimsError);
    expect(err).toMatchObject({ code: "unavailable" });
    const message = (err as AimsError).message;
    expect(message).toMatch(/^cannot pull image registry\.invalid\/x:1: .+\. No registry reachable\?/);
    expect(message).toContain('AIMS_IMAGE_OVERRIDES="registry.invalid/x:1=<local-tag>"');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  describe("an instance's objects", () => {
    const network = name("net");
    const volume = name("data");
    const container = name("api");
    const raw = new Dockerode({ socketPath: SOCKET });
    let spec: ContainerSpec;
    let id: string;
    let hostPort: number;

    beforeAll(async () => {
      const image = await ensureBuiltImage(driver, {
        plugId: "node-api",
        service: "api",
        version: "1.0.0",
        contextDir: resolve(ROOT, "images/node-api"),
      });
      hostPort = await freePort();
      spec = {
        name: container,
        image,
        env: { GREETING: "hi from test", API_TOKEN: "not-a-real-secret", DATA_DIR: "/data" },
        network,
        aliases: ["api"],
        ports: [{ containerPort: 3000, protocol: "tcp", hostPort, bindAddress: "127.0.0.1" }],
        exposedPorts: [3000],
        mounts: [{ volume, path: "/data", readOnly: false }],
        limits: {
          nanoCpus: 500_000_000,
          memoryBytes: 128 * 1024 * 1024,
          memorySwapBytes: 128 * 1024 * 1024,
          pids: 128,
        },
        user: "65534:65534",
        ...containerHardening([]),
        labels: { ...labels, [LABEL.service]: "api" },
      };
    }, 180_000);

    it("creates the network and volume once, matching network names exactly", async () => {
      // A longer name containing ours must not count as ours (the engine's name filter is a substring match).
      expect(await driver.ensureNetwork({ name: `${network}-longer`, labels })).toBe(true);
      expect(await driver.ensureNetwork({ name: network, labels })).toBe(true);
      expect(await driver.ensureNetwork({ name: network, labels })).toBe(false);
      expect(await driver.ensureVolume({ name: volume, labels })).toBe(true);
      expect(await driver.ensureVolume({ name: volume, labels })).toBe(false);
    });

    it("creates the container once and serves health on the published port", async () => {
      id = await driver.createContainer(spec);
      expect(await driver.createContainer(spec)).toBe(id);
      await driver.startContainer(container);
      await driver.startContainer(container); // already running is fine
      expect(await waitForHealth(`http://127.0.0.1:${hostPort}/healthz`)).toBe(200);
    }, 30_000);

    it("applies limits, hardening, user and labels", async () => {
      const info = await raw.getContainer(id).inspect();
      expect(info.HostConfig).toMatchObject({
        Memory: 128 * 1024 * 1024,
        MemorySwap: 128 * 1024 * 1024,
        NanoCpus: 500_000_000,
        PidsLimit: 128,
        CapDrop: ["ALL"],
        Init: true,
        SecurityOpt: ["no-new-privileges:true"],
        RestartPolicy: { Name: "no" },
        NetworkMode: network,
        LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
      });
      expect(info.HostConfig.PortBindings).toEqual({
        "3000/tcp": [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }],
      });
      expect(info.Config.User).toBe("65534:65534");
      expect(info.NetworkSettings.Networks[network]?.Aliases).toContain("api");

      const state = await driver.inspectContainer(container);
      expect(state).toMatchObject({
        id,
        name: container,
        image: spec.image,
        running: true,
        status: "running",
      });
      expect(state?.labels).toMatchObject(spec.labels);
      expect(state?.ipAddresses[network]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(await driver.inspectContainer(name("absent"))).toBeUndefined();
    });

    it("lists exactly the objects carrying the labels", async () => {
      const found = await driver.listManaged(labels);
      expect(found.containers.map((c) => c.name)).toEqual([container]);
      expect(found.networks.map((n) => n.name).sort()).toEqual([network, `${network}-longer`].sort());
      expect(found.volumes.map((v) => v.name)).toEqual([volume]);
      expect(found.volumes[0]?.labels).toMatchObject(labels);
    });

    it("reads logs, runs commands inside, and bounds them", async () => {
      const logs = await collect(driver.logs(container, { follow: false, tail: 50 }));
      expect(logs).toMatch(/"path":"\/healthz","status":200/);

      const probe = await driver.exec(container, ["wget", "-qO-", "http://127.0.0.1:3000/healthz"], 5000);
      expect(probe).toEqual({ exitCode: 0, output: '{"ok":true}' });
      const failing = await driver.exec(container, ["sh", "-c", "echo oops >&2; exit 3"], 5000);
      expect(failing).toEqual({ exitCode: 3, output: "oops\n" });
      await expect(driver.exec(container, ["sleep", "5"], 300)).rejects.toMatchObject({ code: "failed" });
    }, 20_000);

    it("ends a followed log stream on abort and when the container stops", async () => {
      const abort = new AbortController();
      let seen = "";
      for await (const chunk of driver.logs(container, { follow: true, tail: 5, signal: abort.signal })) {
        seen += chunk;
        if (seen.includes("/healthz")) abort.abort();
      }
      expect(seen).toContain("/healthz");

      // Wait for the first (tail) chunk so the stream is attached before the stop.
      const following = driver.logs(container, { follow: true, tail: 1 })[Symbol.asyncIterator]();
      expect((await following.next()).done).toBe(false);
      const stopping = driver.stopContainer(container, 5);
      let rest = "";
      for (let next = await following.next(); !next.done; next = await following.next()) rest += next.value;
      await stopping;
      expect(rest).toContain('"msg":"shutting down"');
      expect(await driver.inspectContainer(container)).toMatchObject({ running: false, exitCode: 0 });
      await driver.stopContainer(container); // already stopped is fine
    }, 20_000);

    it("keeps data on the volume across containers", async () => {
      await driver.startContainer(container);
      await waitForHealth(`http://127.0.0.1:${hostPort}/healthz`);
      const put = await fetch(`http://127.0.0.1:${hostPort}/kv/greeting`, { method: "POST", body: "kept" });
      expect(put.status).toBe(200);
      await driver.removeContainer(container);
      await driver.createContainer(spec);
      await driver.startContainer(container);
      await waitForHealth(`http://127.0.0.1:${hostPort}/healthz`);
      expect(await (await fetch(`http://127.0.0.1:${hostPort}/kv/greeting`)).text()).toBe("kept");
    }, 30_000);

    it("removes everything, and removing again is not an error", async () => {
      await driver.removeContainer(container);
      await driver.removeNetwork(network);
      await driver.removeNetwork(`${network}-longer`);
      await driver.removeVolume(volume);
      expect(await driver.listManaged(labels)).toEqual({ containers: [], networks: [], volumes: [] });
      await driver.removeContainer(container);
      await driver.removeNetwork(network);
      await driver.removeVolume(volume);
    }, 30_000);
  });

  it("reports a failing build as failed with the engine's reason", async () => {
    await ensureBaseImages(driver, ["aims-base/busybox:1"]);
    const dir = await mkdtemp(resolve(tmpdir(), "aims-build-"));
    try {
      await writeFile(resolve(dir, "Dockerfile"), 'FROM aims-base/busybox:1\nRUN ["/bin/false"]\n');
      const err = await driver.buildImage(dir, `aims-test/broken:${run}`).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: "failed",
        message: expect.stringMatching(/^building image aims-test\/broken:/),
      });
      expect(await driver.hasImage(`aims-test/broken:${run}`)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

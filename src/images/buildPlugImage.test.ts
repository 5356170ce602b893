import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import Dockerode from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/support/http.js";
import { containerHardening } from "../catalog/containerHardening.js";
import { DockerDriver } from "../runtime/docker/DockerDriver.js";
import { LABEL, type Labels } from "../runtime/RuntimeDriver.js";
import { ensureBaseImages } from "./baseImages.js";
import { ensureBuiltImage } from "./buildPlugImage.js";

const SOCKET = "/var/run/docker.sock";
const ROOT = resolve(import.meta.dirname, "../..");
const run = randomBytes(4).toString("hex");
const labels: Labels = { [LABEL.managed]: "true", [LABEL.installation]: `test-${run}` };
const driver = new DockerDriver({ socketPath: SOCKET, pullTimeoutMs: 10_000 });
const raw = new Dockerode({ socketPath: SOCKET });

afterAll(async () => {
  const found = await driver.listManaged(labels);
  await Promise.all(found.containers.map((c) => driver.removeContainer(c.id)));
  await Promise.all(found.networks.map((n) => driver.removeNetwork(n.name)));
  await Promise.all(found.volumes.map((v) => driver.removeVolume(v.name)));
}, 60_000);

/** Runs `cmd` in `image` to completion (like `docker run --rm`) and returns its output. */
async function runOnce(image: string, cmd: string[]): Promise<string> {
  const container = await raw.createContainer({ Image: image, Cmd: cmd, Labels: labels, Tty: true });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true, follow: false }))
      .toString()
      .replaceAll("\r", "");
  } finally {
    await container.remove({ force: true });
  }
}

const plug = (plugId: string, service: string) => ({
  plugId,
  service,
  version: "1.0.0",
  contextDir: resolve(ROOT, "images", plugId),
});

describe("base images", () => {
  it("builds the missing known bases from host files", async () => {
    await ensureBaseImages(driver, ["aims-base/busybox:1", "aims-base/node:20", "docker.io/library/redis:7"]);
    expect(await driver.hasImage("aims-base/busybox:1")).toBe(true);
    expect(await driver.hasImage("aims-base/node:20")).toBe(true);
    expect(await ensureBaseImages(driver, ["aims-base/busybox:1", "aims-base/node:20"])).toEqual([]);
  }, 180_000);

  it("refuses an unknown aims-base image before building anything", async () => {
    await expect(ensureBaseImages(driver, ["aims-base/python:3"])).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("aims-base/python:3"),
    });
  });

  it("runs the host's node and busybox applets, with nobody in passwd and group", async () => {
    expect(await runOnce("aims-base/node:20", ["node", "-e", "console.log(process.version)"])).toContain(
      process.version,
    );
    const shell = await runOnce("aims-base/node:20", ["sh", "-c", "id -u; stat -c %a /tmp; which wget"]);
    expect(shell.split("\n").slice(0, 3)).toEqual(["0", "1777", "/bin/wget"]);
    expect(
      await runOnce("aims-base/busybox:1", ["grep", "-c", "65534", "/etc/passwd", "/etc/group"]),
    ).toMatch(/passwd:1.*\n.*group:1/);
  }, 30_000);
});

describe("plug images", () => {
  it("builds each offline plug once per content", async () => {
    for (const source of [plug("static-site", "web"), plug("node-api", "api")]) {
      const tag = await ensureBuiltImage(driver, source);
      expect(tag).toMatch(
        new RegExp(`^aims-plug/${source.plugId}-${source.service}:1\\.0\\.0-[0-9a-f]{12}$`),
      );
      expect(await driver.hasImage(tag)).toBe(true);
      const progress: string[] = [];
      expect(await ensureBuiltImage(driver, source, (line) => progress.push(line))).toBe(tag);
      expect(progress).toEqual([]);
    }
  }, 180_000);

  it("refuses a context without a Dockerfile", async () => {
    await expect(
      ensureBuiltImage(driver, { ...plug("static-site", "web"), contextDir: resolve(ROOT, "catalog") }),
    ).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("serves the static site and its CGI info page as nobody, and stops promptly", async () => {
    const image = await ensureBuiltImage(driver, plug("static-site", "web"));
    const network = `aims-test-${run}-site`;
    const name = `aims-test-${run}-web`;
    const hostPort = await freePort();
    await driver.ensureNetwork({ name: network, labels });
    await driver.createContainer({
      name,
      image,
      env: { SITE_TITLE: "Test Title" },
      network,
      aliases: ["web"],
      ports: [{ containerPort: 8080, protocol: "tcp", hostPort, bindAddress: "127.0.0.1" }],
      exposedPorts: [8080],
      mounts: [],
      limits: {
        nanoCpus: 250_000_000,
        memoryBytes: 64 * 1024 * 1024,
        memorySwapBytes: 64 * 1024 * 1024,
        pids: 64,
      },
      user: "65534:65534",
      ...containerHardening([]),
      labels,
    });
    await driver.startContainer(name);
    const base = `http://127.0.0.1:${hostPort}`;
    let index = "";
    for (let attempt = 0; attempt < 100 && !index; attempt++) {
      index = await fetch(base).then(
        (r) => r.text(),
        () => new Promise<string>((r) => setTimeout(() => r(""), 50)),
      );
    }
    expect(index).toContain("served by AIMS");
    const info = await (await fetch(`${base}/cgi-bin/info`)).text();
    const state = await driver.inspectContainer(name);
    expect(info).toContain("title: Test Title");
    expect(info).toContain(`hostname: ${state?.id.slice(0, 12)}`);
    const started = Date.now();
    await driver.stopContainer(name, 10);
    expect(Date.now() - started).toBeLessThan(3000);
  }, 60_000);
});

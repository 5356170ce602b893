import { describe, expect, it } from "vitest";
import type { ContainerSpec } from "../RuntimeDriver.js";
import { toCreateOptions } from "./containerOptions.js";

const MiB = 1024 * 1024;

const spec: ContainerSpec = {
  name: "aims-abc123-acme-shop-app-1-r2",
  image: "example/app:1.2.3",
  command: ["serve"],
  entrypoint: ["/entry"],
  env: { A: "1", B: "x=y" },
  network: "aims-abc123-acme-shop",
  aliases: ["app"],
  ports: [{ containerPort: 3000, protocol: "tcp", hostPort: 51007, bindAddress: "127.0.0.1" }],
  exposedPorts: [3000, 9090],
  mounts: [{ volume: "aims-abc123-acme-shop-app-data", path: "/data", readOnly: true }],
  limits: { nanoCpus: 500_000_000, memoryBytes: 256 * MiB, memorySwapBytes: 256 * MiB, pids: 100 },
  user: "65534:65534",
  security: { capDrop: ["ALL"], capAdd: ["CHOWN"], noNewPrivileges: true },
  init: true,
  restartPolicy: "no",
  logging: { driver: "json-file", maxSize: "10m", maxFiles: 3 },
  labels: { "aims.managed": "true", "aims.service": "app" },
};

describe("toCreateOptions", () => {
  it("maps every field of the spec to the engine's create body", () => {
    expect(toCreateOptions(spec)).toEqual({
      name: "aims-abc123-acme-shop-app-1-r2",
      Image: "example/app:1.2.3",
      Labels: { "aims.managed": "true", "aims.service": "app" },
      Env: ["A=1", "B=x=y"],
      Cmd: ["serve"],
      Entrypoint: ["/entry"],
      User: "65534:65534",
      ExposedPorts: { "3000/tcp": {}, "9090/tcp": {} },
      HostConfig: {
        PortBindings: { "3000/tcp": [{ HostIp: "127.0.0.1", HostPort: "51007" }] },
        Mounts: [
          { Type: "volume", Source: "aims-abc123-acme-shop-app-data", Target: "/data", ReadOnly: true },
        ],
        NanoCpus: 500_000_000,
        Memory: 256 * MiB,
        MemorySwap: 256 * MiB,
        PidsLimit: 100,
        CapDrop: ["ALL"],
        CapAdd: ["CHOWN"],
        SecurityOpt: ["no-new-privileges:true"],
        Init: true,
        RestartPolicy: { Name: "no" },
        NetworkMode: "aims-abc123-acme-shop",
        LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
      },
      NetworkingConfig: { EndpointsConfig: { "aims-abc123-acme-shop": { Aliases: ["app"] } } },
    });
  });

  it("applies the hardening it is given and decides none itself", () => {
    const options = toCreateOptions({
      ...spec,
      limits: { ...spec.limits, memorySwapBytes: 512 * MiB },
      security: { capDrop: ["NET_RAW"], capAdd: [], noNewPrivileges: false },
      init: false,
      logging: { driver: "local", maxSize: "1m", maxFiles: 5 },
    });
    expect(options.HostConfig).toMatchObject({
      MemorySwap: 512 * MiB,
      CapDrop: ["NET_RAW"],
      CapAdd: [],
      SecurityOpt: [],
      Init: false,
      LogConfig: { Type: "local", Config: { "max-size": "1m", "max-file": "5" } },
    });
  });

  it("leaves out command, entrypoint and user when the spec has none", () => {
    const { command: _c, entrypoint: _e, user: _u, ...bare } = spec;
    const options = toCreateOptions(bare);
    expect(options).not.toHaveProperty("Cmd");
    expect(options).not.toHaveProperty("Entrypoint");
    expect(options).not.toHaveProperty("User");
  });
});

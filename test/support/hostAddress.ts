import { docker } from "./aimsCli.js";

/**
 * The host's address on Docker's default bridge (its IPAM gateway, or the subnet's first address when
 * the engine leaves the gateway implicit). Containers on any AIMS instance network reach host servers
 * listening on 0.0.0.0 through it.
 */
export async function hostAddressForContainers(): Promise<string> {
  const bridge = await docker.getNetwork("bridge").inspect();
  const config = (bridge.IPAM?.Config ?? [])[0] as { Gateway?: string; Subnet?: string } | undefined;
  if (config?.Gateway) return config.Gateway;
  const subnet = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+$/.exec(config?.Subnet ?? "");
  if (!subnet) throw new Error("the bridge network has no IPv4 subnet");
  return `${subnet[1]}.${subnet[2]}.${subnet[3]}.${Number(subnet[4]) + 1}`;
}

/** Runs `command` in a running container and returns its exit code and output. */
export async function execIn(
  containerId: string,
  command: string[],
): Promise<{ code: number; output: string }> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    docker.modem.demuxStream(
      stream,
      { write: (c: Buffer) => chunks.push(c) } as never,
      {
        write: (c: Buffer) => chunks.push(c),
      } as never,
    );
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
}

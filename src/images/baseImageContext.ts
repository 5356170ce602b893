import { access, chmod, copyFile, mkdir, realpath, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { AimsError } from "../domain/errors.js";
import { listSharedLibraries } from "./sharedLibraries.js";

/** Debian's busybox-static installs here (and /bin is a symlink to usr/bin on merged-/usr systems). */
const BUSYBOX_CANDIDATES = ["/usr/bin/busybox", "/bin/busybox"];

const ETC_FILES: Record<string, string> = {
  "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
  "etc/group": "root:x:0:\nnobody:x:65534:\n",
  // glibc's getaddrinfo (node's dns.lookup) reads this; without it the order is dns-first.
  "etc/nsswitch.conf": "hosts: files dns\n",
};

/** The Dockerfile both bases share: a scratch root, busybox applets as symlinks, a sticky /tmp. */
const dockerfile = (cmd: string[]) =>
  [
    "FROM scratch",
    "COPY rootfs/ /",
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    'RUN ["/bin/sh", "-c", "mkdir -p /tmp && chmod 1777 /tmp"]',
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    `CMD ${JSON.stringify(cmd)}`,
    "",
  ].join("\n");

/** The host's statically linked busybox; a dynamic one would not run in a scratch image. */
export async function findStaticBusybox(): Promise<string> {
  for (const candidate of BUSYBOX_CANDIDATES) {
    const found = await access(candidate).then(
      () => true,
      () => false,
    );
    if (!found) continue;
    if ((await listSharedLibraries(candidate)).length === 0) return candidate;
    throw new AimsError(
      "unavailable",
      `${candidate} is dynamically linked; install the static one (apt-get install busybox-static)`,
    );
  }
  throw new AimsError(
    "unavailable",
    `no busybox found at ${BUSYBOX_CANDIDATES.join(" or ")}: install it (apt-get install busybox-static)`,
  );
}

/** Copies a host file (following symlinks) to the same absolute path under `rootfs`, keeping its mode. */
async function copyIntoRoot(rootfs: string, hostPath: string, imagePath: string = hostPath): Promise<void> {
  const target = join(rootfs, imagePath);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(await realpath(hostPath), target);
}

/** Writes the parts every base has: busybox at /bin/busybox and the /etc files. */
async function writeCommonRoot(rootfs: string): Promise<void> {
  await copyIntoRoot(rootfs, await findStaticBusybox(), "/bin/busybox");
  await chmod(join(rootfs, "bin/busybox"), 0o755);
  for (const [path, content] of Object.entries(ETC_FILES)) {
    await mkdir(dirname(join(rootfs, path)), { recursive: true });
    await writeFile(join(rootfs, path), content, { mode: 0o644 });
  }
}

/** Fills `dir` with the build context of aims-base/busybox:1. */
export async function writeBusyboxContext(dir: string): Promise<void> {
  await writeCommonRoot(join(dir, "rootfs"));
  await writeFile(join(dir, "Dockerfile"), dockerfile(["/bin/sh"]));
}

/**
 * Fills `dir` with the build context of aims-base/node:20: the host's node binary plus every library `ldd`
 * lists for it, each at the path the loader will look for it, so the image needs no distribution.
 */
export async function writeNodeContext(dir: string, nodeBinary: string = process.execPath): Promise<void> {
  const rootfs = join(dir, "rootfs");
  await writeCommonRoot(rootfs);
  const node = await realpath(nodeBinary);
  await copyIntoRoot(rootfs, node, "/usr/local/bin/node");
  await chmod(join(rootfs, "usr/local/bin/node"), 0o755);
  for (const library of await listSharedLibraries(node)) await copyIntoRoot(rootfs, library);
  await writeFile(join(dir, "Dockerfile"), dockerfile(["node"]));
}

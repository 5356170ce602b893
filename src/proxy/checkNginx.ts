import type { AimsConfig } from "../config.js";
import { isPortFree } from "../ports/portAllocator.js";
import { probeNginx } from "./createRoutes.js";

/** `aims doctor`'s nginx line: the binary answers, and AIMS's own proxy runs or can take its port. */
export async function checkNginx(config: AimsConfig): Promise<{ name: string; ok: boolean; detail: string }> {
  const proxy = config.proxy;
  if (!proxy.enabled) return { name: "nginx", ok: true, detail: "proxy disabled (proxy.enabled: false)" };
  const { version, pid } = await probeNginx(config);
  if (!version.ok)
    return {
      name: "nginx",
      ok: false,
      detail: `${version.output}: install it (apt-get install nginx, or bash scripts/setup-host.sh) or set proxy.nginxBinary`,
    };
  const listen = `${proxy.bindAddress}:${proxy.port}`;
  const v = /nginx\/[\w.]+/.exec(version.output)?.[0] ?? version.output;
  if (pid) return { name: "nginx", ok: true, detail: `${v}; AIMS's proxy runs (pid ${pid}) on ${listen}` };
  const free = await isPortFree(proxy.port, proxy.bindAddress).catch(() => false);
  return free
    ? { name: "nginx", ok: true, detail: `${v}; AIMS's proxy is not running yet; ${listen} is free for it` }
    : {
        name: "nginx",
        ok: false,
        detail: `${v}; ${listen} is taken by another program: free it or set proxy.port (AIMS_PROXY_PORT)`,
      };
}

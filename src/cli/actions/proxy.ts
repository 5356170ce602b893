import type { Command } from "commander";
import type { ReconcilerContext } from "../../context.js";
import { AimsError } from "../../domain/errors.js";
import { withPlatform } from "../context.js";
import { printJson } from "../output.js";

/** What `aims proxy` shows of this install's nginx. */
export interface ProxyReport {
  enabled: boolean;
  running: boolean;
  pid?: number;
  /** The generation nginx serves (a hash of its configuration). */
  generation?: string;
  listen: string;
  /** Routes the store asks for now. */
  routes: number;
  /** For start and stop: whether the command had anything to do. */
  changed?: boolean;
}

const DISABLED = "the proxy is disabled (proxy.enabled: false / AIMS_PROXY=off)";

async function reportOf(p: ReconcilerContext): Promise<ProxyReport> {
  const [status, table] = await Promise.all([p.proxy.status(), p.proxy.table()]);
  return {
    enabled: status.enabled,
    running: status.running,
    ...(status.pid ? { pid: status.pid } : {}),
    ...(status.generation ? { generation: status.generation } : {}),
    listen: `${p.config.proxy.bindAddress}:${p.config.proxy.port}`,
    routes: table.routes.length,
  };
}

/** Starts the proxy when it is not running (an apply starts it, then serves the store's routes). */
async function start(p: ReconcilerContext): Promise<ProxyReport> {
  if (!p.proxy.enabled) throw new AimsError("invalid_input", `${DISABLED}; turn it on to start it`);
  const before = await p.proxy.status();
  await p.proxy.ensure();
  const after = await reportOf(p);
  if (!after.running)
    throw new AimsError(
      "failed",
      `the proxy did not start: ${p.proxy.lastError?.message ?? "see `aims events --type proxy.`"}`,
    );
  return { ...after, changed: !before.running };
}

async function stop(p: ReconcilerContext): Promise<ProxyReport> {
  const before = await p.proxy.status();
  await p.proxy.stop();
  return { ...(await reportOf(p)), ...(before.pid ? { pid: before.pid } : {}), changed: before.running };
}

function sentence(verb: "status" | "start" | "stop", r: ProxyReport): string {
  const serving = `pid ${r.pid}, generation ${r.generation ?? "?"}`;
  if (verb === "start")
    return r.changed ? `started the proxy (${serving})` : `the proxy is already running (${serving})`;
  if (verb === "stop") return r.changed ? `stopped the proxy (pid ${r.pid})` : "the proxy was not running";
  if (!r.enabled)
    return r.running
      ? `${DISABLED}, but its nginx from before still runs (pid ${r.pid}): \`aims proxy stop\` stops it`
      : DISABLED;
  return r.running
    ? `proxy on ${r.listen}: running (${serving}); ${r.routes} route(s)`
    : `proxy on ${r.listen}: not running; ${r.routes} route(s) (\`aims proxy start\`, \`aims reconcile\` or \`aims serve\` starts it)`;
}

/**
 * `aims proxy status|start|stop`: this install's nginx, which keeps serving after `aims serve` stops. Host
 * only: the proxy is a process on this host.
 */
export async function runProxy(
  cmd: Command,
  verb: "status" | "start" | "stop",
  opts: { json?: boolean },
): Promise<void> {
  const report = await withPlatform(cmd, async (platform) => {
    const p = await platform.reconciler();
    return verb === "start" ? start(p) : verb === "stop" ? stop(p) : reportOf(p);
  });
  if (opts.json) printJson(report);
  else process.stdout.write(`${sentence(verb, report)}\n`);
}

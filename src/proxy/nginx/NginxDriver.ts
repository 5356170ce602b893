import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { AimsError } from "../../domain/errors.js";
import type { ApplyResult, ApplyStage, ProxyDriver, ProxyStatus, RouteTable } from "../ProxyDriver.js";
import { ConfigTree } from "./configTree.js";
import {
  masterPid,
  type NginxPaths,
  nginxMessage,
  runNginx,
  servedGeneration,
  startMaster,
  stopNginx,
  waitForGeneration,
  waitOldWorkersRetired,
  workerPids,
} from "./nginxProcess.js";
import { errorLog, type RenderSettings, renderTree, serializeTree } from "./renderConfig.js";

export interface NginxDriverOptions {
  binary: string;
  /** `<dataDir>/proxy` */
  root: string;
  bindAddress: string;
  port: number;
  tlsPort: number;
  bodyLimit: string;
  workerProcesses: number | "auto";
  /** Write `<root>/logs/access.log` (`proxy.accessLog`). */
  accessLog: boolean;
  /** Also route `/<tenant>/<instance>/` on the proxy's own address (`proxy.pathRouting`). */
  pathRouting: boolean;
  reloadTimeoutMs: number;
  /** Test hook: append a broken directive to every candidate (validation must refuse it). */
  corruptCandidate?: boolean;
}

/** An apply that failed at one stage, with nginx's own message; the last good configuration stays live. */
export class ProxyApplyError extends AimsError {
  constructor(
    readonly stage: ApplyStage,
    readonly detail: string,
  ) {
    super(
      "failed",
      stage === "validate"
        ? `nginx refused the new proxy configuration (the previous one stays live): ${detail}`
        : `nginx could not ${stage === "start" ? "start" : "reload"} (the previous configuration stays live): ${detail}`,
    );
    this.name = "ProxyApplyError";
  }
}

/**
 * AIMS's own nginx: its config tree, pid file and logs live under `<dataDir>/proxy/`, and it is only
 * ever signalled by its own pid file; the system's nginx is never touched. Not safe for two applies at
 * once: callers serialise them (RouteSync holds a lease across processes).
 */
export class NginxDriver implements ProxyDriver {
  readonly tree: ConfigTree;
  readonly #paths: NginxPaths;

  constructor(private readonly options: NginxDriverOptions) {
    this.tree = new ConfigTree(options.root);
    this.#paths = { binary: options.binary, root: options.root };
  }

  /** The generation a table renders to: a hash of everything that reaches the configuration. */
  generationOf(table: RouteTable): string {
    const { reloadTimeoutMs: _ignored, ...rendered } = this.options;
    return (
      createHash("sha256")
        // `format` counts changes of the renderer itself (2: AIMS's credentials are stripped from requests).
        .update(JSON.stringify({ table, rendered, format: 2 }))
        .digest("hex")
        .slice(0, 16)
    );
  }

  renderSettings(generation: string): RenderSettings {
    const o = this.options;
    return {
      root: o.root,
      treeDir: this.tree.treeDir(generation),
      generation,
      bindAddress: o.bindAddress,
      port: o.port,
      tlsPort: o.tlsPort,
      bodyLimit: o.bodyLimit,
      workerProcesses: o.workerProcesses,
      accessLog: o.accessLog,
      pathRouting: o.pathRouting,
    };
  }

  async apply(table: RouteTable): Promise<ApplyResult> {
    const began = performance.now();
    const root = this.options.root;
    this.tree.prepare();
    const generation = this.generationOf(table);
    let started = false;
    const stages: ApplyResult["stages"] = {};
    try {
      started = await this.ensureRunning();
    } catch {
      // The last good tree would not start (a port taken, a certificate gone): try the candidate below.
    }
    const result = (changed: boolean): ApplyResult => ({
      generation,
      changed,
      started,
      durationMs: performance.now() - began,
      stages,
    });
    if (masterPid(root) && this.tree.liveGeneration() === generation) {
      if ((await servedGeneration(root)) === generation) return result(false);
    }
    if (!this.tree.isComplete(generation)) await this.#writeAndValidate(table, generation, stages);
    const reloadBegan = performance.now();
    const previous = this.tree.liveGeneration();
    this.tree.swap(generation);
    const pid = masterPid(root);
    if (pid) {
      const oldWorkers = workerPids(root, pid);
      process.kill(pid, "SIGHUP");
      if (
        !(await waitForGeneration(root, generation, this.options.reloadTimeoutMs)) ||
        !(await waitOldWorkersRetired(oldWorkers, this.options.reloadTimeoutMs))
      ) {
        if (previous) this.tree.swap(previous);
        throw new ProxyApplyError("reload", this.#lastLoggedError());
      }
    } else {
      const r = await startMaster(this.#paths, this.tree.liveConfig);
      if (!r.ok || !(await waitForGeneration(root, generation, this.options.reloadTimeoutMs))) {
        if (previous) this.tree.swap(previous);
        await stopNginx(root);
        if (previous) await startMaster(this.#paths, this.tree.liveConfig);
        throw new ProxyApplyError("start", r.ok ? this.#lastLoggedError() : nginxMessage(r.output));
      }
      started = true;
    }
    stages.reload = performance.now() - reloadBegan;
    this.tree.prune();
    return result(true);
  }

  /** Writes the candidate tree and has nginx test it; a refused candidate is deleted and never swapped in. */
  async #writeAndValidate(
    table: RouteTable,
    generation: string,
    stages: ApplyResult["stages"],
  ): Promise<void> {
    let t = performance.now();
    const files = serializeTree(renderTree(table, this.renderSettings(generation)), generation);
    if (this.options.corruptCandidate) {
      const main = files.get("nginx.conf") ?? "";
      files.set("nginx.conf", `${main}aims_test_corruption "this candidate must never go live";\n`);
    }
    stages.render = performance.now() - t;
    t = performance.now();
    const config = this.tree.write(generation, files);
    stages.write = performance.now() - t;
    t = performance.now();
    const test = await runNginx(this.#paths, ["-t", "-q", "-c", config]);
    stages.validate = performance.now() - t;
    if (!test.ok) {
      this.tree.discard(generation);
      throw new ProxyApplyError("validate", nginxMessage(test.output));
    }
    this.tree.markValidated(generation);
  }

  /** nginx logs why a reload did not take (e.g. a port it could not bind) in its error log. */
  #lastLoggedError(): string {
    try {
      const lines = readFileSync(errorLog(this.options.root), "utf8").trim().split("\n");
      const emerg = lines.reverse().find((l) => /\[(emerg|alert|crit)\]/.test(l));
      if (emerg) return emerg.replace(/^.*?\[(emerg|alert|crit)\] \d+#\d+: /, "");
    } catch {
      // no log yet
    }
    return `nginx did not serve the new configuration within ${this.options.reloadTimeoutMs} ms`;
  }

  /** Starts the master on the last good tree when it is not running; false when it was already running. */
  async ensureRunning(): Promise<boolean> {
    if (masterPid(this.options.root)) return false;
    const live = this.tree.liveGeneration();
    if (!live) return false;
    this.tree.prepare();
    const r = await startMaster(this.#paths, this.tree.liveConfig);
    if (!r.ok) throw new ProxyApplyError("start", nginxMessage(r.output));
    if (!(await waitForGeneration(this.options.root, live, this.options.reloadTimeoutMs)))
      throw new ProxyApplyError(
        "start",
        `nginx started but did not answer within ${this.options.reloadTimeoutMs} ms`,
      );
    return true;
  }

  async status(): Promise<ProxyStatus> {
    const pid = masterPid(this.options.root);
    if (!pid) return { running: false };
    const generation = await servedGeneration(this.options.root);
    return { running: true, pid, ...(generation ? { generation } : {}) };
  }

  stop(): Promise<void> {
    return stopNginx(this.options.root);
  }
}

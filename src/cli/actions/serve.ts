import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { startAlertLoop } from "../../alerts/alertLoop.js";
import { resourcesFromSamples } from "../../alerts/resourcesFromSamples.js";
import { startApiServer } from "../../api/server.js";
import { startAutoscaler } from "../../autoscale/autoscaleLoop.js";
import { startDaemon } from "../../lifecycle/daemon.js";
import { startSampler } from "../../monitor/startSampler.js";
import { createPlatform } from "../../platform.js";
import { hostOnly } from "../context.js";

/** Where the first sign-in is, for the line that prints the dashboard's URL. */
function dashboardSignIn(account: { path: string; email: string; created: boolean }): string {
  if (account.created || existsSync(account.path))
    return `first sign-in: ${account.email} with the password in ${account.path}`;
  return "sign in with your account";
}

/** `aims serve`: starts the API (unless --no-api) and the reconciler loop; returns after SIGTERM / SIGINT. */
export async function runServe(cmd: Command, opts: { api: boolean }): Promise<void> {
  const p = await createPlatform(hostOnly(cmd));
  const reconciler = await p.reconciler();
  await reconciler.runtime.ping();
  const api = opts.api ? await startApiServer(p) : undefined;
  // Alerts are evaluated by the reconciler loop after each tick; their outbox delivers what is pending.
  // The CPU, memory and volume rules read the resource samples, when they are taken.
  const alerts = startAlertLoop(
    reconciler,
    p.config.monitor.enabled ? { resources: resourcesFromSamples(reconciler) } : {},
  );
  // The autoscaler beside the alerts: it reads the same samples, so it runs only when they are taken.
  const autoscaler = p.config.monitor.enabled && p.config.autoscale.enabled ? startAutoscaler(p) : undefined;
  const daemon = startDaemon(
    reconciler,
    (message) => p.logger.info({ progress: message }, "reconcile"),
    (report, seconds) =>
      api?.app.aims.metrics.reconcileDuration.observe({ result: report ? "ok" : "failed" }, seconds),
    async () => {
      await alerts.afterTick();
      await autoscaler?.afterTick();
    },
  );
  const first = await daemon.ticked();
  // Resource samples beside the reconcile loop: the same driver, its own cadence (docs/monitoring.md).
  const sampler = p.config.monitor.enabled
    ? startSampler(reconciler, (report, seconds) =>
        api?.app.aims.metrics.samplePassDuration.observe({ result: report ? "ok" : "failed" }, seconds),
      )
    : undefined;
  const pidFile = join(p.config.dataDir, "serve.pid");
  writeFileSync(pidFile, `${process.pid}\n`);
  process.stdout.write(
    `aims serve: reconciler running for installation ${p.store.installationId} (${first.instances} instance(s), tick every ${p.config.reconcile.intervalMs} ms)\n`,
  );
  if (sampler)
    process.stdout.write(
      `aims serve: sampling container resources every ${p.config.monitor.intervalMs} ms (aims stats; docs/monitoring.md)\n`,
    );
  if (api) {
    process.stdout.write(
      `aims serve: API at ${api.url} (docs ${api.url}/docs; operator key in ${join(p.config.dataDir, "operator.key")})\n`,
    );
    process.stdout.write(
      api.app.servesDashboard
        ? `aims serve: dashboard at ${api.url}/ (${dashboardSignIn(api.operatorAccount)})\n`
        : "aims serve: no dashboard here (it is not built: run `npm run build`)\n",
    );
  }
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stdout.write(`aims serve: ${signal} received, finishing running work\n`);
      resolve();
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
  await api?.close();
  await sampler?.stop();
  await daemon.stop();
  await autoscaler?.stop();
  await alerts.stop();
  await p.close();
  rmSync(pidFile, { force: true });
  process.stdout.write("aims serve: stopped\n");
}

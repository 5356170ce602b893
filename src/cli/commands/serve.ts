import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { startDaemon } from "../../lifecycle/daemon.js";
import { createPlatform } from "../../main.js";
import { configFrom } from "../context.js";

/** `aims serve`: the control-plane daemon (reconciler loop); stops cleanly on SIGTERM / SIGINT. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "run the control plane: the reconciler loop (restarts crashed containers, heals drift, removes orphans)",
    )
    .action(async function (this: Command) {
      const p = await createPlatform(configFrom(this));
      await p.driver.ping();
      const daemon = startDaemon(p, (message) => p.logger.info({ progress: message }, "reconcile"));
      const first = await daemon.ticked();
      const pidFile = join(p.config.dataDir, "serve.pid");
      writeFileSync(pidFile, `${process.pid}\n`);
      process.stdout.write(
        `aims serve: reconciler running for installation ${p.store.installationId} (${first.instances} instance(s), tick every ${p.config.reconcile.intervalMs} ms)\n`,
      );
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          process.stdout.write(`aims serve: ${signal} received, finishing running work\n`);
          resolve();
        };
        process.once("SIGTERM", () => shutdown("SIGTERM"));
        process.once("SIGINT", () => shutdown("SIGINT"));
      });
      await daemon.stop();
      await p.close();
      rmSync(pidFile, { force: true });
      process.stdout.write("aims serve: stopped\n");
    });
}

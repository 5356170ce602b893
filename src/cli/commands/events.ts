import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { listEvents } from "../../store/eventLog.js";
import { findTenantByName } from "../../store/tenantRepository.js";
import { withPlatform } from "../context.js";

/** `aims events`: the persisted event log, optionally followed. */
export function registerEvents(program: Command): void {
  program
    .command("events")
    .description("show the event log")
    .option("-t, --tenant <tenant>", "only this tenant's events")
    .option("-f, --follow", "keep printing new events")
    .option("--type <prefix>", "only events whose type starts with this (e.g. instance.)")
    .option("--json", "one JSON object per line")
    .action(async function (
      this: Command,
      opts: { tenant?: string; follow?: boolean; type?: string; json?: boolean },
    ) {
      await withPlatform(this, async (p) => {
        let tenantId: string | undefined;
        if (opts.tenant) {
          const tenant = await findTenantByName(p.store.db, opts.tenant);
          if (!tenant) throw new AimsError("not_found", `no tenant ${opts.tenant}`);
          tenantId = tenant.id;
        }
        let afterSeq = 0;
        const stop = new AbortController();
        process.once("SIGINT", () => stop.abort());
        do {
          const rows = await listEvents(p.store.db, {
            ...(tenantId ? { tenantId } : {}),
            afterSeq,
            limit: 500,
            ...(opts.type ? { types: [opts.type] } : {}),
          });
          for (const e of rows) {
            afterSeq = e.seq;
            const data = JSON.parse(e.data) as Record<string, unknown>;
            if (opts.json)
              process.stdout.write(
                `${JSON.stringify({ seq: e.seq, id: e.id, type: e.type, tenantId: e.tenant_id, subject: e.subject, time: e.created_at, data })}\n`,
              );
            else
              process.stdout.write(
                `${e.created_at}  ${e.type.padEnd(18)} ${e.subject ?? ""}  ${JSON.stringify(data)}\n`,
              );
          }
          if (rows.length === 500) continue;
          if (opts.follow) await sleep(300, undefined, { signal: stop.signal }).catch(() => undefined);
        } while (opts.follow && !stop.signal.aborted);
      });
    });
}

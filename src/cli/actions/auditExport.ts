import type { Command } from "commander";
import type { AuditEntryView } from "../../audit/auditView.js";
import { AimsError } from "../../domain/errors.js";
import { RemoteApi } from "../client/RemoteApi.js";
import { configFrom, withPlatform } from "../context.js";

export interface AuditExportOptions {
  tenant?: string;
  /** ISO time, already normalised by the flag's schema. */
  since?: string;
}

const PAGE = 500;

/** `aims audit export`: entries oldest first, one JSON object per line, with their hashes. */
export async function runAuditExport(cmd: Command, opts: AuditExportOptions): Promise<void> {
  const write = (view: AuditEntryView) => process.stdout.write(`${JSON.stringify(view)}\n`);
  const config = configFrom(cmd);
  if (config.remote) return exportRemote(new RemoteApi(config.remote), opts, write);
  const [{ listAuditFeed }, { findTenantByName }, { toAuditView }] = await Promise.all([
    import("../../store/auditFeed.js"),
    import("../../store/tenantRepository.js"),
    import("../../audit/auditView.js"),
  ]);
  await withPlatform(cmd, async (p) => {
    let tenantId: string | undefined;
    if (opts.tenant !== undefined) {
      const tenant = await findTenantByName(p.store.db, opts.tenant);
      if (!tenant) throw new AimsError("not_found", `no tenant named ${opts.tenant}`);
      tenantId = tenant.id;
    }
    let afterSeq = 0;
    for (;;) {
      const rows = await listAuditFeed(p.store.db, {
        ...(tenantId ? { tenantId } : {}),
        ...(opts.since ? { since: opts.since } : {}),
        afterSeq,
        limit: PAGE,
      });
      for (const row of rows) write(toAuditView(row));
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      afterSeq = last.seq;
    }
  });
}

/** The same lines through the API: the operator's whole log, or a tenant's (its admins may read it). */
async function exportRemote(
  api: RemoteApi,
  opts: AuditExportOptions,
  write: (view: AuditEntryView) => void,
): Promise<void> {
  const path = opts.tenant ? `/v1/tenants/${encodeURIComponent(opts.tenant)}/audit` : "/v1/audit";
  let cursor: string | undefined;
  do {
    const { body } = await api.json<{ items: AuditEntryView[]; nextCursor: string | null }>("GET", path, {
      query: { limit: 200, cursor },
    });
    for (const view of body.items) if (!opts.since || view.time >= opts.since) write(view);
    cursor = body.nextCursor ?? undefined;
  } while (cursor);
}

import { setTimeout as sleep } from "node:timers/promises";
import { type EventView, toEventView } from "../../api/events/eventView.js";
import { AimsError } from "../../domain/errors.js";
import { requireInstance } from "../../lifecycle/requireInstance.js";
import { streamInstanceLogs } from "../../lifecycle/streamInstanceLogs.js";
import type { Platform } from "../../platform.js";
import { listEvents } from "../../store/eventLog.js";
import { findTenantByName, listTenants } from "../../store/tenantRepository.js";
import type { EventsRequest, LogsRequest } from "./AimsClient.js";

/** Every container's log lines of an instance on this host, each prefixed with `service-replica | `. */
export async function streamLocalLogs(
  p: Platform,
  request: LogsRequest,
  write: (text: string) => void,
  notice: (message: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const { instance } = await requireInstance(p, request.tenant, request.name);
  await streamInstanceLogs(
    await p.reconciler(),
    instance.id,
    { follow: request.follow, tail: request.tail, signal },
    write,
    notice,
  );
}

const PAGE = 500;

/** The persisted event log of this host, oldest first; with `follow`, polls for new events until aborted. */
export async function streamLocalEvents(
  p: Platform,
  request: EventsRequest,
  onEvent: (event: EventView) => void,
  signal: AbortSignal,
): Promise<void> {
  let tenantId: string | undefined;
  if (request.tenant) {
    const tenant = await findTenantByName(p.store.db, request.tenant);
    if (!tenant) throw new AimsError("not_found", `no tenant ${request.tenant}`);
    tenantId = tenant.id;
  }
  let names = new Map<string, string>();
  let afterSeq = 0;
  do {
    const rows = await listEvents(p.store.db, {
      ...(tenantId ? { tenantId } : {}),
      afterSeq,
      limit: PAGE,
      ...(request.typePrefix ? { types: [request.typePrefix] } : {}),
    });
    for (const row of rows) {
      afterSeq = row.seq;
      // A tenant created since the last look: read the names again.
      if (row.tenant_id && !names.has(row.tenant_id))
        names = new Map((await listTenants(p.store.db)).map((t) => [t.id, t.name]));
      onEvent(toEventView(row, row.tenant_id ? (names.get(row.tenant_id) ?? null) : null));
    }
    if (rows.length === PAGE) continue;
    if (request.follow) await sleep(300, undefined, { signal }).catch(() => undefined);
  } while (request.follow && !signal.aborted);
}

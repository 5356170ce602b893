import type { FastifyRequest } from "fastify";
import { isAimsError } from "../domain/errors.js";
import type { Platform } from "../platform.js";
import { appendAudit } from "../store/auditLog.js";
import { withTransaction } from "../store/database.js";
import { findTenantByName } from "../store/tenantRepository.js";
import type { Caller } from "../tenancy/principal.js";
import type { RouteSpec } from "./route.js";

/** Audits a change the caller's role did not allow (result "denied"): who tried what, from where. */
export async function recordDenial(
  p: Platform,
  caller: Caller,
  spec: RouteSpec,
  request: FastifyRequest,
  err: unknown,
): Promise<void> {
  if (!isAimsError(err, "forbidden")) return;
  const params = (request.params ?? {}) as Record<string, string>;
  const tenant = params.tenant ? await findTenantByName(p.store.db, params.tenant) : undefined;
  await withTransaction(p.store.db, (trx) =>
    appendAudit(trx, {
      tenantId: tenant?.id ?? null,
      actor: caller.principal.actor,
      source: caller.source,
      action: `${spec.method} ${spec.url}`,
      target: request.url.split("?")[0]!.slice(0, 300),
      result: "denied",
      data: { reason: err.message },
    }),
  ).catch((auditErr: unknown) =>
    p.logger.error({ err: String(auditErr) }, "could not audit a denied request"),
  );
}

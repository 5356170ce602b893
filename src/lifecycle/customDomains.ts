import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { parseCustomDomain } from "../domain/hostnames.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { nameSchema } from "../domain/names.js";
import { certificatesFor } from "../proxy/loadRoutes.js";
import { routedPort } from "../proxy/routes.js";
import { deleteDomain, insertDomain } from "../store/domainRepository.js";
import { recordChange } from "../store/recordChange.js";
import type { Actor } from "./actor.js";
import { instanceChange } from "./changeRecord.js";
import { parseInput } from "./parseInput.js";
import { requireInstance } from "./requireInstance.js";

export const domainInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  host: z.string().min(1, "is required: name a host, like shop.example.com").max(300),
});
export type DomainInput = z.input<typeof domainInputSchema>;

/** A custom domain change as the CLI prints it. */
export interface DomainChange {
  tenant: string;
  instance: string;
  host: string;
  /** False when nothing changed (the host was already there, or already gone). */
  changed: boolean;
  url: string;
}

/** Where the host answers: https on the TLS port when its certificate files are there (the proxy serves it so), else http. */
function urlOf(p: OperationContext, host: string): string {
  const proxy = p.config.proxy;
  if (certificatesFor(proxy.certDir, host))
    return `https://${host}${proxy.tlsPort === 443 ? "" : `:${proxy.tlsPort}`}/`;
  return `http://${host}${proxy.port === 80 ? "" : `:${proxy.port}`}/`;
}

/**
 * Routes a custom domain to an instance: the host is validated (src/domain/hostnames.ts), recorded with
 * an event and an audit entry in one transaction, then the proxy picks it up. Idempotent.
 */
export async function addDomain(p: OperationContext, raw: DomainInput, actor: Actor): Promise<DomainChange> {
  const input = parseInput(domainInputSchema, raw);
  const host = parseCustomDomain(input.host, p.config.proxy.baseDomain);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  if (!routedPort(parseSpec(instance.spec).plug))
    throw new AimsError(
      "invalid_input",
      `${tenant.name}/${instance.name} has no public HTTP port for a domain to route to`,
    );
  const changed = await p.store.db.transaction().execute(async (trx) => {
    const added = await insertDomain(trx, { host, instanceId: instance.id, tenantId: tenant.id });
    if (added)
      await recordChange(
        trx,
        instanceChange(actor, tenant, instance, {
          event: "instance.domain_added",
          action: "instance.domain.add",
          data: { host },
        }),
      );
    return added;
  });
  p.requestProxySync();
  return { tenant: tenant.name, instance: instance.name, host, changed, url: urlOf(p, host) };
}

/** Stops routing a custom domain to an instance (event and audit entry); not_found when it was not routed there. */
export async function removeDomain(
  p: OperationContext,
  raw: DomainInput,
  actor: Actor,
): Promise<DomainChange> {
  const input = parseInput(domainInputSchema, raw);
  const host = input.host.trim().toLowerCase().replace(/\.$/, "");
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  const removed = await p.store.db.transaction().execute(async (trx) => {
    const gone = await deleteDomain(trx, instance.id, host);
    if (gone)
      await recordChange(
        trx,
        instanceChange(actor, tenant, instance, {
          event: "instance.domain_removed",
          action: "instance.domain.remove",
          data: { host },
        }),
      );
    return gone;
  });
  if (!removed)
    throw new AimsError(
      "not_found",
      `${input.host.slice(0, 80)} is not a domain of ${tenant.name}/${instance.name}`,
    );
  p.requestProxySync();
  return { tenant: tenant.name, instance: instance.name, host, changed: true, url: urlOf(p, host) };
}

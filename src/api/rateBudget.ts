import { normalizeIP } from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import { isAimsError } from "../domain/errors.js";
import type { RateBudget } from "../domain/rateLimits.js";
import type { Platform } from "../platform.js";
import { findTenantById, findTenantByName } from "../store/tenantRepository.js";
import { type Principal, roleIn } from "../tenancy/principal.js";
import { authenticateOnce } from "./auth.js";

/** The routes of one tenant: they spend the tenant's plan's budget. */
const TENANT_ROUTE = "/v1/tenants/:tenant";

/**
 * The budget a request spends:
 * - without a valid credential (public routes, a missing, unknown or expired one): its client address, an
 *   IPv6 address by its /64 (one client holds a whole /64), `anonymousPerMinute`;
 * - the operator (platform admins): one budget per credential for everything, `operatorPerMinute`;
 * - a request that names a tenant (its routes, or `?tenant=` on a list across tenants) where the caller has a
 *   role, or any request of a key limited to a tenant (a service key): per credential and tenant, the
 *   tenant's plan's `apiRequestsPerMinute`;
 * - anything else (lists across every tenant of a person, their own keys, a tenant the caller cannot see):
 *   per credential, `perMinute`. A tenant that is not the caller's reads like one that does not exist.
 * A bad credential is not answered here: the route's handler answers it (401) from the same lookup.
 */
export async function budgetOf(
  platform: Platform,
  request: FastifyRequest,
  authenticates: boolean,
): Promise<RateBudget> {
  const limits = platform.config.api.rateLimit;
  const principal = authenticates ? await principalOrNone(platform, request) : undefined;
  if (!principal) {
    const address = normalizeIP(request.ip, 64);
    return {
      credential: `address:${address}`,
      scope: "api",
      limit: limits.anonymousPerMinute,
      holder: `${address} without a credential`,
      source: { setting: "api.rateLimit.anonymousPerMinute" },
    };
  }
  const credential = principal.keyId !== null ? `key:${principal.keyId}` : `session:${principal.sessionId}`;
  const holder = principal.kind === "key" ? "key" : "session";
  if (principal.platformAdmin)
    return {
      credential,
      scope: "operator",
      limit: limits.operatorPerMinute,
      holder: `the operator ${holder}`,
      source: { setting: "api.rateLimit.operatorPerMinute" },
    };
  const tenant = await tenantOf(platform, principal, request);
  if (tenant) return { credential, scope: `tenant:${tenant.id}`, holder: `this ${holder}`, ...tenant.budget };
  return {
    credential,
    scope: "api",
    limit: limits.perMinute,
    holder: `this ${holder}`,
    source: { setting: "api.rateLimit.perMinute" },
  };
}

/** The caller, or undefined when the request carries no valid credential (the handler answers that one). */
async function principalOrNone(platform: Platform, request: FastifyRequest): Promise<Principal | undefined> {
  try {
    return await authenticateOnce(platform.store.db, request);
  } catch (err) {
    if (isAimsError(err, "unauthorized") || isAimsError(err, "forbidden")) return undefined;
    throw err;
  }
}

/** The tenant a request names: in the path of a tenant's route, or as `?tenant=` (lists across tenants). */
function tenantNamed(request: FastifyRequest): string | undefined {
  const named = request.routeOptions.url?.startsWith(TENANT_ROUTE)
    ? (request.params as { tenant?: unknown }).tenant
    : (request.query as { tenant?: unknown } | undefined)?.tenant;
  return typeof named === "string" ? named : undefined;
}

/**
 * The tenant whose plan a request spends, and its budget: the one it names when the caller has a role there,
 * else the one the caller's key is limited to (a service key spends its tenant's plan on every route).
 */
async function tenantOf(platform: Platform, principal: Principal, request: FastifyRequest) {
  const db = platform.store.db;
  const name = tenantNamed(request);
  let row = name === undefined ? undefined : await findTenantByName(db, name);
  if (row && !(await roleIn(db, principal, row.id))) row = undefined;
  if (!row && principal.tenantId !== null) row = await findTenantById(db, principal.tenantId);
  if (!row) return undefined;
  const { plans } = platform;
  // A plan config.yaml no longer names: the default plan's limits, rather than refusing the tenant's requests.
  const plan = plans.all.find((p) => p.name === row.plan) ?? plans.defaultPlan;
  return {
    id: row.id,
    budget: { limit: plan.apiRequestsPerMinute, source: { plan: plan.name, tenant: row.name } },
  };
}

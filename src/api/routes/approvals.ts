import { getApprovalPolicy, policyInput, setApprovalPolicy } from "../../approvals/approvalPolicy.js";
import { approveInput, decideApproval, denyInput } from "../../approvals/decideApproval.js";
import { requireDecider } from "../../approvals/deciders.js";
import { approvalStatusFilter, getApproval, listApprovals } from "../../approvals/listApprovals.js";
import { AimsError } from "../../domain/errors.js";
import type { Platform } from "../../platform.js";
import { findTenantByName } from "../../store/tenantRepository.js";
import type { Caller } from "../../tenancy/principal.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { approvalPolicySchema, approvalViewSchema } from "../responses/acheevy.js";
import { pageOf } from "../responses/pages.js";
import { defineRoute } from "../route.js";
import { approvalParams, tenantParams } from "./params.js";

/** Throws unless the caller may decide approvals in the tenant (before an Idempotency-Key's answer is looked up). */
async function authoriseDecision(p: Platform, caller: Caller, tenantName: string) {
  const tenant = await findTenantByName(p.store.db, tenantName);
  if (!tenant) throw new AimsError("not_found", `no tenant ${tenantName}`);
  await requireDecider(p.store.db, caller.principal, tenant);
}

/** Approvals of AI-initiated actions, and the tenant's approval policy. */
export const approvalRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/approvals",
    summary: "Approvals asked for in this tenant, newest first (`?status=pending` for what waits)",
    tag: "approvals",
    auth: "required",
    params: tenantParams,
    query: pageQuery.extend({ status: approvalStatusFilter.optional() }),
    response: pageOf(approvalViewSchema),
    handler: async ({ services: { platform }, caller, params, query }) => {
      const before = decodeCursor(query.cursor, "string");
      const views = await listApprovals(platform, caller, params.tenant, {
        ...(query.status ? { status: query.status } : {}),
        ...(before !== undefined ? { beforeId: before } : {}),
        limit: query.limit + 1,
      });
      return toPage(
        views,
        query.limit,
        (v) => v.id,
        (v) => v,
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/approvals/:approvalId",
    summary:
      "One approval: what will happen, its resources and plan impact, who asked, who decided, what ran",
    tag: "approvals",
    auth: "required",
    params: approvalParams,
    response: approvalViewSchema,
    handler: ({ services: { platform }, caller, params }) =>
      getApproval(platform, caller, params.tenant, params.approvalId),
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/approvals/:approvalId/approve",
    summary:
      "Approve, and run it now, exactly once (a signed-in admin or owner, or a key with the approvals:decide scope; `argsHash` approves only exactly those arguments)",
    tag: "approvals",
    auth: "required",
    engine: "drives",
    quota: true,
    params: approvalParams,
    body: approveInput,
    response: approvalViewSchema,
    authorize: ({ services: { platform }, caller, params }) =>
      authoriseDecision(platform, caller, params.tenant),
    example: { body: {} },
    handler: async ({ services: { platform }, caller, params, body }) => {
      const progress = (message: string) =>
        platform.logger.debug({ tenant: params.tenant, approval: params.approvalId }, message);
      const outcome = await decideApproval(
        platform,
        caller,
        params.tenant,
        params.approvalId,
        { approve: true, ...(body.argsHash ? { argsHash: body.argsHash } : {}) },
        progress,
      );
      return outcome.approval;
    },
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/approvals/:approvalId/deny",
    summary: "Deny: nothing runs",
    tag: "approvals",
    auth: "required",
    params: approvalParams,
    body: denyInput,
    response: approvalViewSchema,
    authorize: ({ services: { platform }, caller, params }) =>
      authoriseDecision(platform, caller, params.tenant),
    example: { body: { reason: "not now" } },
    handler: async ({ services: { platform }, caller, params, body }) =>
      (
        await decideApproval(
          platform,
          caller,
          params.tenant,
          params.approvalId,
          { approve: false, ...(body.reason ? { reason: body.reason } : {}) },
          () => {},
        )
      ).approval,
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/approval-policy",
    summary:
      "What needs a person's approval here: all (every change), risky (only destructive and spend) or none",
    tag: "approvals",
    auth: "required",
    params: tenantParams,
    response: approvalPolicySchema,
    handler: ({ services: { platform }, caller, params }) =>
      getApprovalPolicy(platform, caller, params.tenant),
  }),
  defineRoute({
    method: "PATCH",
    url: "/v1/tenants/:tenant/approval-policy",
    summary: "Set the approval policy (owners; `none` only on a plan whose features allow approvals off)",
    tag: "approvals",
    auth: "required",
    params: tenantParams,
    body: policyInput,
    response: approvalPolicySchema,
    example: { body: { policy: "risky" } },
    handler: ({ services: { platform }, caller, params, body }) =>
      setApprovalPolicy(platform, caller, params.tenant, body),
  }),
];

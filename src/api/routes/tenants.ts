import { listInvitations } from "../../store/invitationRepository.js";
import { listMembers } from "../../store/memberRepository.js";
import { acceptInput, acceptInvitation } from "../../tenancy/acceptInvitation.js";
import { changeTenantPlan, changeTenantPlanInput } from "../../tenancy/changeTenantPlan.js";
import {
  createInvitation,
  inviteInput,
  revokeInvitation,
  toInvitationView,
} from "../../tenancy/invitations.js";
import { changeMemberRole, changeRoleInput, removeMember, toMemberView } from "../../tenancy/members.js";
import { requireTenant, tenantsWhere } from "../../tenancy/principal.js";
import {
  assertMayCreateTenant,
  createTenant,
  createTenantInput,
  toTenantView,
} from "../../tenancy/tenants.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { pageOf } from "../responses/pages.js";
import {
  acceptedInvitationSchema,
  invitationViewSchema,
  memberRoleSchema,
  memberViewSchema,
  newInvitationSchema,
  tenantViewSchema,
} from "../responses/people.js";
import { defineRoute } from "../route.js";
import { tenantListPage } from "../tenantListPage.js";
import { invitationParams, memberParams, tenantParams } from "./params.js";

/** Tenants, their members and invitations. */
export const tenantRoutes = [
  defineRoute({
    method: "POST",
    url: "/v1/tenants",
    summary:
      "Create a tenant (the operator, or a signed-in user who becomes its owner, up to `tenantsPerUser`); only the operator chooses a `plan` other than `defaultPlan`",
    response: tenantViewSchema,
    tag: "tenants",
    auth: "required",
    status: 201,
    quota: true,
    body: createTenantInput,
    authorize: ({ caller }) => assertMayCreateTenant(caller.principal),
    example: { body: { name: "acme", plan: "team" } },
    handler: ({ services: { platform }, caller, body }) => createTenant(platform, caller, body),
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants",
    summary:
      "Tenants you belong to (every tenant for the operator, deleted ones too), by name, with plan and status",
    response: pageOf(tenantViewSchema),
    tag: "tenants",
    auth: "required",
    query: pageQuery,
    handler: async ({ services: { platform }, caller, query }) => {
      const after = decodeCursor(query.cursor, "string");
      const visible = (await tenantsWhere(platform.store.db, caller.principal, "tenant.read"))
        .filter(({ tenant }) => after === undefined || tenant.name > after)
        .slice(0, query.limit + 1);
      return toPage(
        visible,
        query.limit,
        (v) => v.tenant.name,
        (v) => toTenantView(v.tenant, v.role),
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant",
    summary: "One tenant and your role in it",
    response: tenantViewSchema,
    tag: "tenants",
    auth: "required",
    params: tenantParams,
    handler: async ({ services: { platform }, caller, params }) => {
      const { tenant, role } = await requireTenant(
        platform.store.db,
        caller.principal,
        params.tenant,
        "tenant.read",
      );
      return toTenantView(tenant, role);
    },
  }),
  defineRoute({
    method: "PATCH",
    url: "/v1/tenants/:tenant",
    summary:
      "Move a tenant to another plan (the operator only); a plan its use is over answers 429 quota_exceeded naming each limit, unless `force` (what runs keeps running; growth is refused until it is within the plan)",
    tag: "tenants",
    auth: "required",
    params: tenantParams,
    body: changeTenantPlanInput,
    response: tenantViewSchema,
    quota: true,
    example: { body: { plan: "team" } },
    handler: ({ services: { platform }, caller, params, body }) =>
      changeTenantPlan(platform, caller, params.tenant, body),
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/members",
    summary: "Members and their roles",
    response: pageOf(memberViewSchema),
    tag: "tenants",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    handler: ({ services: { platform }, caller, params, query }) =>
      tenantListPage(platform, caller, params.tenant, query, {
        permission: "member.read",
        cursor: "string",
        list: (tenant, after, limit) =>
          listMembers(platform.store.db, tenant.id, { ...(after ? { afterUserId: after } : {}), limit }),
        key: (r) => r.user_id,
        view: toMemberView,
      }),
  }),
  defineRoute({
    method: "PATCH",
    url: "/v1/tenants/:tenant/members/:userId",
    summary: "Change a member's role (never above your own; owners only by owners)",
    response: memberRoleSchema,
    tag: "tenants",
    auth: "required",
    params: memberParams,
    body: changeRoleInput,
    example: { body: { role: "viewer" } },
    handler: ({ services: { platform }, caller, params, body }) =>
      changeMemberRole(platform, caller, params.tenant, params.userId, body),
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/members/:userId",
    status: 204,
    summary: "Remove a member (or leave, for yourself); the last owner stays",
    tag: "tenants",
    auth: "required",
    params: memberParams,
    handler: async ({ services: { platform }, caller, params }) => {
      await removeMember(platform, caller, params.tenant, params.userId);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/invitations",
    summary: "Invite a person by email; returns the single-use token once",
    response: newInvitationSchema,
    tag: "tenants",
    auth: "required",
    status: 201,
    params: tenantParams,
    body: inviteInput,
    carriesSecret: true,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, "invitation.manage"),
    example: { body: { email: "grace@example.com", role: "member" } },
    handler: async ({ services: { platform }, caller, params, body }) => {
      const { invitation, token } = await createInvitation(platform, caller, params.tenant, body);
      return { ...invitation, token };
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/invitations",
    summary: "Invitations of a tenant (tokens are never shown again)",
    response: pageOf(invitationViewSchema),
    tag: "tenants",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    handler: ({ services: { platform }, caller, params, query }) =>
      tenantListPage(platform, caller, params.tenant, query, {
        permission: "invitation.manage",
        cursor: "string",
        list: (tenant, after, limit) =>
          listInvitations(platform.store.db, tenant.id, { ...(after ? { afterId: after } : {}), limit }),
        key: (r) => r.id,
        view: (r, tenant) => toInvitationView(r, tenant.name),
      }),
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/invitations/:invitationId",
    status: 204,
    summary: "Revoke an open invitation",
    tag: "tenants",
    auth: "required",
    params: invitationParams,
    handler: async ({ services: { platform }, caller, params }) => {
      await revokeInvitation(platform, caller, params.tenant, params.invitationId);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    url: "/v1/invitations/accept",
    summary:
      "Accept an invitation: a new person sets a password; an existing user signs in or gives their password (throttled like sign-ins)",
    response: acceptedInvitationSchema,
    tag: "tenants",
    auth: "optional",
    scope: "account",
    checksCredentials: true,
    body: acceptInput,
    example: { body: { token: "aimsinv_…", password: "correct horse battery" } },
    handler: ({ services: { platform }, caller, body, source }) =>
      acceptInvitation(platform, caller, body, source),
  }),
];

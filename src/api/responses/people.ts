import * as z from "zod";
import type { acceptInvitation } from "../../tenancy/acceptInvitation.js";
import type { ApiKeyView } from "../../tenancy/apiKeys.js";
import type { TenantDeletion } from "../../tenancy/deleteTenant.js";
import type { InvitationView } from "../../tenancy/invitations.js";
import type { changeMemberRole, MemberView } from "../../tenancy/members.js";
import { KEY_SCOPES, ROLES } from "../../tenancy/roles.js";
import type { TenantStateChange } from "../../tenancy/tenantInstances.js";
import type { TenantView } from "../../tenancy/tenants.js";
import type { UserView } from "../../tenancy/users.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const role = z.enum(ROLES);
const time = z.string().describe("ISO-8601 time");

export const userViewSchema = named(
  "User",
  viewSchema<UserView>()(
    z.object({ id: z.string(), email: z.string(), platformAdmin: z.boolean(), createdAt: time }),
  ),
);

export const sessionViewSchema = named(
  "Session",
  z.object({
    user: userViewSchema,
    csrfToken: z.string().describe("echo it in X-CSRF-Token on every change made with the session cookie"),
    expiresAt: time,
  }),
);

export const tenantViewSchema = named(
  "Tenant",
  viewSchema<TenantView>()(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z
        .string()
        .describe("active, suspended (by the operator: reads only) or deleted (the operator's list only)"),
      plan: z.string().nullable(),
      role,
      createdAt: time,
      deletedAt: time.optional().describe("only for a deleted tenant"),
    }),
  ),
);

export const memberViewSchema = named(
  "Member",
  viewSchema<MemberView>()(z.object({ userId: z.string(), email: z.string(), role, since: time })),
);

export const memberRoleSchema = named(
  "MemberRole",
  viewSchema<Awaited<ReturnType<typeof changeMemberRole>>>()(z.object({ userId: z.string(), role })),
);

export const invitationViewSchema = named(
  "Invitation",
  viewSchema<InvitationView>()(
    z.object({
      id: z.string(),
      tenant: z.string(),
      email: z.string(),
      role,
      status: z.enum(["open", "accepted", "revoked", "expired"]),
      expiresAt: time,
      createdAt: time,
    }),
  ),
);

export const newInvitationSchema = named(
  "NewInvitation",
  invitationViewSchema.extend({
    token: z.string().describe("the single-use token, shown only in this answer"),
  }),
);

export const acceptedInvitationSchema = named(
  "AcceptedInvitation",
  viewSchema<Awaited<ReturnType<typeof acceptInvitation>>>()(
    z.object({ user: userViewSchema, tenant: z.string(), role }),
  ),
);

export const apiKeyViewSchema = named(
  "ApiKey",
  viewSchema<ApiKeyView>()(
    z.object({
      id: z.string(),
      name: z.string(),
      prefix: z.string(),
      kind: z.enum(["user", "service", "operator"]),
      userId: z.string().nullable(),
      tenant: z.string().nullable(),
      role: role.nullable(),
      scopes: z.array(z.enum(KEY_SCOPES)).nullable(),
      expiresAt: time.nullable(),
      revokedAt: time.nullable(),
      lastUsedAt: time.nullable(),
      createdAt: time,
    }),
  ),
);

export const newApiKeySchema = named(
  "NewApiKey",
  apiKeyViewSchema.extend({
    key: z.string().describe("the key itself, shown only in this answer"),
  }),
);

export const tenantStateChangeSchema = named(
  "TenantStateChange",
  viewSchema<TenantStateChange>()(
    z.object({
      tenant: tenantViewSchema,
      unchanged: z.boolean().describe("true when the tenant already was in the state asked for"),
      instances: z.array(
        z.object({
          name: z.string(),
          desired: z.string(),
          state: z.string(),
          resumesTo: z.string().nullable().describe("while suspended: what resume brings back"),
        }),
      ),
    }),
  ),
);

export const tenantDeletionSchema = named(
  "TenantDeletion",
  viewSchema<TenantDeletion>()(
    z.object({
      id: z.string(),
      tenant: z.string(),
      instances: z.array(z.string()).describe("instances removed (force), with their Docker objects"),
      removed: z.object({ containers: z.number(), networks: z.number(), volumes: z.number() }),
      keptVolumes: z.array(z.string()),
      members: z.number(),
      keys: z.number(),
      invitations: z.number(),
      domains: z.number(),
    }),
  ),
);

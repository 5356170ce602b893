import { listApiKeys } from "../../store/apiKeyRepository.js";
import {
  createServiceKey,
  createServiceKeyInput,
  createUserKey,
  createUserKeyInput,
  revokeApiKey,
  toApiKeyView,
} from "../../tenancy/apiKeys.js";
import { requireAccount, requireTenant } from "../../tenancy/principal.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { pageOf } from "../responses/pages.js";
import { apiKeyViewSchema, newApiKeySchema } from "../responses/people.js";
import { defineRoute } from "../route.js";
import { tenantListPage } from "../tenantListPage.js";
import { keyParams, tenantKeyParams, tenantParams } from "./params.js";

/** API keys: a user's own, and a tenant's service keys. The key itself appears only in the create answer. */
export const keyRoutes = [
  defineRoute({
    method: "POST",
    url: "/v1/keys",
    summary:
      "Create a key for yourself (optionally one tenant, a role cap, scopes, an expiry; never later than the key you use); shown once",
    response: newApiKeySchema,
    tag: "keys",
    auth: "required",
    scope: "account",
    status: 201,
    body: createUserKeyInput,
    carriesSecret: true,
    example: { body: { name: "laptop", scopes: ["instance.read"] } },
    handler: async ({ services: { platform }, caller, body }) => {
      const { key, view } = await createUserKey(platform, caller, body);
      return { ...view, key };
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/keys",
    summary: "Your keys",
    response: pageOf(apiKeyViewSchema),
    tag: "keys",
    auth: "required",
    scope: "account",
    query: pageQuery,
    handler: async ({ services: { platform }, caller, query }) => {
      const userId = requireAccount(caller.principal, "listing personal keys");
      const rows = await listApiKeys(
        platform.store.db,
        { userId },
        { afterId: decodeCursor(query.cursor, "string"), limit: query.limit + 1 },
      );
      const names = new Map(
        (await platform.store.db.selectFrom("tenants").select(["id", "name"]).execute()).map((t) => [
          t.id,
          t.name,
        ]),
      );
      return toPage(
        rows,
        query.limit,
        (r) => r.id,
        (r) => toApiKeyView(r, r.tenant_id ? (names.get(r.tenant_id) ?? null) : null),
      );
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/keys/:keyId",
    summary: "Revoke one of your keys (the keys it made stop working with it)",
    response: apiKeyViewSchema,
    tag: "keys",
    auth: "required",
    scope: "account",
    params: keyParams,
    handler: ({ services: { platform }, caller, params }) => revokeApiKey(platform, caller, params.keyId),
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/keys",
    summary: "Create a service key of a tenant with an explicit role (at most yours); shown once",
    response: newApiKeySchema,
    tag: "keys",
    auth: "required",
    status: 201,
    params: tenantParams,
    body: createServiceKeyInput,
    carriesSecret: true,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, "key.manage"),
    example: { body: { name: "ci", role: "member" } },
    handler: async ({ services: { platform }, caller, params, body }) => {
      const { key, view } = await createServiceKey(platform, caller, params.tenant, body);
      return { ...view, key };
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/keys",
    summary: "Keys limited to a tenant (service keys and members' tenant keys)",
    response: pageOf(apiKeyViewSchema),
    tag: "keys",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    handler: ({ services: { platform }, caller, params, query }) =>
      tenantListPage(platform, caller, params.tenant, query, {
        permission: "key.manage",
        cursor: "string",
        list: (tenant, after, limit) =>
          listApiKeys(
            platform.store.db,
            { tenantId: tenant.id },
            { ...(after ? { afterId: after } : {}), limit },
          ),
        key: (r) => r.id,
        view: (r, tenant) => toApiKeyView(r, tenant.name),
      }),
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/keys/:keyId",
    summary: "Revoke a key limited to this tenant",
    response: apiKeyViewSchema,
    tag: "keys",
    auth: "required",
    params: tenantKeyParams,
    handler: ({ services: { platform }, caller, params }) =>
      revokeApiKey(platform, caller, params.keyId, params.tenant),
  }),
];

import * as z from "zod";
import { MAX_COMPOSE_BYTES } from "../../compose/composeModel.js";
import { newNameSchema } from "../../domain/names.js";
import { importPlug, importPlugInputSchema } from "../../plugs/importPlug.js";
import { listTenantPlugs, removeTenantPlug, showTenantPlug } from "../../plugs/tenantPlugs.js";
import { actorOf, requireTenant } from "../../tenancy/principal.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { pageOf } from "../responses/pages.js";
import { tenantPlugViewSchema } from "../responses/tenantPlugs.js";
import { Answer, defineRoute } from "../route.js";
import { tenantParams } from "./params.js";

const plugParams = z.strictObject({ tenant: newNameSchema, plugName: newNameSchema });

/** The JSON body of an import; a YAML body is the compose file alone (its name in `?name=`). */
const importBody = importPlugInputSchema.omit({ tenant: true });
const composeText = z
  .string()
  .min(1, { message: "is empty: send the text of a docker-compose.yml" })
  .max(MAX_COMPOSE_BYTES, { message: `must be at most ${MAX_COMPOSE_BYTES / 1024} KiB` });

const EXAMPLE_COMPOSE = "services:\n  web:\n    image: nginx:1.27.0\n    ports: ['8080:80']\n";

/** A tenant's private plugs: compose files imported as plugs only that tenant sees and deploys. */
export const tenantPlugRoutes = [
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/plugs",
    summary:
      "Import a Docker Compose file as the tenant's private plug (JSON `{name, compose, files}`, or the YAML itself with `?name=`); importing under a name again makes a new version; deploy it by name. Refused keys are named with the service and the reason; nothing is stored then",
    response: tenantPlugViewSchema,
    alsoAnswers: [
      {
        status: 200,
        description: "a dry run: what the import would store (nothing is)",
        response: tenantPlugViewSchema,
      },
    ],
    tag: "plugs",
    auth: "required",
    status: 201,
    params: tenantParams,
    query: z.strictObject({ name: newNameSchema.optional() }),
    body: z.union([importBody, composeText]),
    documentedBody: importBody,
    yamlBody: true,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, "instance.deploy"),
    example: { body: { name: "my-web", compose: EXAMPLE_COMPOSE, dryRun: true } },
    handler: async ({ services: { platform }, caller, params, query, body }) => {
      await requireTenant(platform.store.db, caller.principal, params.tenant, "instance.deploy");
      const input =
        typeof body === "string"
          ? { compose: body, ...(query.name ? { name: query.name } : {}) }
          : { ...body, ...(query.name && !body.name ? { name: query.name } : {}) };
      const view = await importPlug(platform, { ...input, tenant: params.tenant }, actorOf(caller));
      return typeof body !== "string" && body.dryRun ? new Answer(200, view) : view;
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/plugs",
    summary: "The tenant's private plugs (newest version of each), by name",
    response: pageOf(tenantPlugViewSchema),
    tag: "plugs",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    handler: async ({ services: { platform }, caller, params, query }) => {
      await requireTenant(platform.store.db, caller.principal, params.tenant, "instance.read");
      const after = decodeCursor(query.cursor, "string");
      const all = await listTenantPlugs(platform, { tenant: params.tenant });
      return toPage(
        all.filter((v) => after === undefined || v.name > after).slice(0, query.limit + 1),
        query.limit,
        (v) => v.name,
        (v) => v,
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/plugs/:plugName",
    summary: "One private plug: inputs, services, the versions kept, and what the import changed or ignored",
    response: tenantPlugViewSchema,
    tag: "plugs",
    auth: "required",
    params: plugParams,
    handler: async ({ services: { platform }, caller, params }) => {
      await requireTenant(platform.store.db, caller.principal, params.tenant, "instance.read");
      return showTenantPlug(platform, { tenant: params.tenant, name: params.plugName });
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/plugs/:plugName",
    summary: "Remove a private plug, every version; instances deployed from it keep running",
    response: tenantPlugViewSchema,
    tag: "plugs",
    auth: "required",
    params: plugParams,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, "instance.deploy"),
    handler: async ({ services: { platform }, caller, params }) => {
      await requireTenant(platform.store.db, caller.principal, params.tenant, "instance.deploy");
      return removeTenantPlug(platform, { tenant: params.tenant, name: params.plugName }, actorOf(caller));
    },
  }),
];

import * as z from "zod";
import { AimsError } from "../../domain/errors.js";
import { keptVolumeReferenceSchema, nameSchema } from "../../domain/names.js";
import { deployInstance } from "../../lifecycle/deployInstance.js";
import { instanceHistory } from "../../lifecycle/instanceHistory.js";
import { instanceViews } from "../../lifecycle/instanceView.js";
import { planView } from "../../lifecycle/planView.js";
import type { Platform } from "../../platform.js";
import { listInstancePage } from "../../store/instancePages.js";
import type { TenantRow } from "../../store/tenantRepository.js";
import { actorOf, type Caller, requireTenant, tenantsWhere } from "../../tenancy/principal.js";
import { INSTANCE_ACTIONS } from "../instanceActions.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import {
  actionResultSchema,
  deployPlanSchema,
  instanceHistorySchema,
  instanceViewSchema,
  removalSchema,
} from "../responses/instances.js";
import { pageOf } from "../responses/pages.js";
import { Answer, defineRoute } from "../route.js";
import { parseRequestPart } from "../validation.js";
import { autoscaleRoutes } from "./autoscale.js";
import { instanceExportRoutes } from "./instanceExport.js";
import { instanceMetricsRoutes } from "./instanceMetrics.js";
import { instanceStreamRoutes } from "./instanceStreams.js";
import { instanceParams, tenantParams } from "./params.js";
import { requireInstanceFor } from "./requireInstance.js";

const deployBody = z.strictObject({
  plug: z.string().min(1).max(100),
  name: z.string().max(100),
  set: z.record(z.string().max(100), z.string().max(10_000)).default({}),
  dryRun: z.boolean().default(false),
  /** Kept volumes (ids, or the instance name they were kept from) to mount with the secrets they were written with. */
  reuseVolumes: z.array(keptVolumeReferenceSchema).max(20).default([]),
});

async function instancePage(p: Platform, tenants: TenantRow[] | "all", query: z.output<typeof pageQuery>) {
  const names = tenants === "all" ? undefined : new Map(tenants.map((t) => [t.id, t.name]));
  const { rows, allocations } = await listInstancePage(p.store.db, {
    tenantIds: names ? [...names.keys()] : "all",
    afterId: decodeCursor(query.cursor, "string"),
    limit: query.limit + 1,
  });
  const page = toPage(
    rows,
    query.limit,
    (r) => r.id,
    (row) => row,
  );
  const views = await instanceViews(p, page.items, { ...(names ? { tenantNames: names } : {}), allocations });
  return { ...page, items: views };
}

/** Instances: list, deploy, get, delete, actions (logs and events in instanceStreams.ts). */
export const instanceRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/instances",
    summary: "Instances of every tenant you can see (or `?tenant=`), by id",
    response: pageOf(instanceViewSchema),
    tag: "instances",
    auth: "required",
    query: pageQuery.extend({ tenant: nameSchema.optional() }),
    handler: async ({ services: { platform }, caller, query }) => {
      if (query.tenant !== undefined) {
        const { tenant } = await requireTenant(
          platform.store.db,
          caller.principal,
          query.tenant,
          "instance.read",
        );
        return instancePage(platform, [tenant], query);
      }
      const scope =
        caller.principal.platformAdmin &&
        caller.principal.tenantId === null &&
        caller.principal.scopes === null
          ? "all"
          : (await tenantsWhere(platform.store.db, caller.principal, "instance.read")).map((v) => v.tenant);
      return instancePage(platform, scope, query);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances",
    summary: "A tenant's instances, by id",
    response: pageOf(instanceViewSchema),
    tag: "instances",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    handler: async ({ services: { platform }, caller, params, query }) => {
      const { tenant } = await requireTenant(
        platform.store.db,
        caller.principal,
        params.tenant,
        "instance.read",
      );
      return instancePage(platform, [tenant], query);
    },
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/instances",
    summary:
      "Deploy a plug (waits until healthy; `dryRun` returns the plan and changes nothing; `reuseVolumes` mounts kept volumes with the secrets their data was written with)",
    response: instanceViewSchema,
    alsoAnswers: [
      {
        status: 200,
        description:
          "a dry run's plan (nothing changed), or the instance a repeated deploy of the same thing converged",
        response: z.union([deployPlanSchema, instanceViewSchema]),
      },
    ],
    tag: "instances",
    auth: "required",
    engine: "drives",
    quota: true,
    status: 201,
    params: tenantParams,
    body: deployBody,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, "instance.deploy"),
    example: { body: { plug: "static-site", name: "web", dryRun: true } },
    handler: async ({ services: { platform, metrics }, caller, params, body }) => {
      await requireTenant(platform.store.db, caller.principal, params.tenant, "instance.deploy");
      const started = performance.now();
      const progress = (message: string) =>
        platform.logger.debug({ tenant: params.tenant, instance: body.name }, message);
      let outcome: Awaited<ReturnType<typeof deployInstance>>;
      try {
        outcome = await deployInstance(
          platform,
          { ...body, tenant: params.tenant },
          actorOf(caller),
          progress,
        );
      } catch (err) {
        if (!body.dryRun)
          metrics.deployDuration.observe({ result: "failed" }, (performance.now() - started) / 1000);
        throw err;
      }
      if (outcome.kind === "plan")
        return new Answer(200, {
          plug: outcome.plug,
          version: outcome.version,
          plan: planView(outcome.plan),
        });
      metrics.deployDuration.observe({ result: "ready" }, (performance.now() - started) / 1000);
      return outcome.reused ? new Answer(200, outcome.instance) : outcome.instance;
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances/:name",
    summary: "One instance: state, ports, URL",
    response: instanceViewSchema,
    tag: "instances",
    auth: "required",
    params: instanceParams,
    handler: async ({ services: { platform }, caller, params }) => {
      const { tenant, instance } = await requireInstanceFor(
        platform,
        caller,
        params.tenant,
        params.name,
        "instance.read",
      );
      const [view] = await instanceViews(platform, [instance], {
        tenantNames: new Map([[tenant.id, tenant.name]]),
      });
      return view;
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances/:name/history",
    summary:
      "Revisions of an instance: what each changed, who asked, when, and whether it became healthy, failed or was rolled back; with its last failure",
    response: instanceHistorySchema,
    tag: "instances",
    auth: "required",
    params: instanceParams,
    handler: async ({ services: { platform }, caller, params }) => {
      const { tenant, instance } = await requireInstanceFor(
        platform,
        caller,
        params.tenant,
        params.name,
        "instance.read",
      );
      return instanceHistory(platform, { tenant: tenant.name, name: instance.name });
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/instances/:name",
    summary: "Decommission an instance (`?keepVolumes=true` keeps its data volumes)",
    response: removalSchema,
    tag: "instances",
    auth: "required",
    engine: "drives",
    params: instanceParams,
    query: z.strictObject({ keepVolumes: z.enum(["true", "false"]).default("false") }),
    handler: ({ services: { platform }, caller, params, query }) =>
      runAction(platform, caller, params, "delete", { keepVolumes: query.keepVolumes === "true" }),
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/instances/:name/actions/:action",
    summary: `Run an instance action (${Object.keys(INSTANCE_ACTIONS).join(", ")})`,
    response: actionResultSchema,
    tag: "instances",
    auth: "required",
    engine: "drives",
    quota: true,
    params: instanceParams.extend({ action: z.string().max(40) }),
    body: z.unknown(),
    // One schema per kind of body (the state changes share the empty one).
    documentedBody: z.union([...new Set(Object.values(INSTANCE_ACTIONS).map((a) => a.body))]),
    example: { body: {} },
    authorize: ({ services: { platform }, caller, params }) =>
      requireInstanceFor(platform, caller, params.tenant, params.name, actionNamed(params.action).permission),
    handler: ({ services: { platform }, caller, params, body }) =>
      runAction(platform, caller, params, params.action, body),
  }),
  ...instanceStreamRoutes,
  ...instanceExportRoutes,
  ...instanceMetricsRoutes,
  ...autoscaleRoutes,
];

function actionNamed(name: string) {
  const action = Object.hasOwn(INSTANCE_ACTIONS, name) ? INSTANCE_ACTIONS[name] : undefined;
  if (!action)
    throw new AimsError(
      "invalid_input",
      `unknown action "${name.slice(0, 40)}"; available: ${Object.keys(INSTANCE_ACTIONS).join(", ")}`,
    );
  return action;
}

async function runAction(
  p: Platform,
  caller: Caller,
  params: { tenant: string; name: string },
  name: string,
  rawBody: unknown,
) {
  const action = actionNamed(name);
  await requireInstanceFor(p, caller, params.tenant, params.name, action.permission);
  const body = parseRequestPart(action.body, rawBody ?? {}, "body");
  for (const permission of action.alsoNeeds?.(body) ?? [])
    await requireTenant(p.store.db, caller.principal, params.tenant, permission);
  const progress = (message: string) =>
    p.logger.debug({ tenant: params.tenant, instance: params.name }, message);
  return action.run({
    platform: p,
    tenant: params.tenant,
    name: params.name,
    body,
    actor: actorOf(caller),
    progress,
  });
}

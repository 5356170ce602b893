import {
  listAutoscaleViews,
  removeAutoscalePolicy,
  setAutoscalePolicy,
} from "../../autoscale/autoscalePolicies.js";
import { autoscalePolicyInput } from "../../domain/autoscale.js";
import { nameSchema } from "../../domain/names.js";
import {
  autoscalePolicyListSchema,
  autoscalePolicySchema,
  autoscaleRemovalSchema,
} from "../responses/autoscale.js";
import { defineRoute } from "../route.js";
import { instanceParams } from "./params.js";
import { requireInstanceFor } from "./requireInstance.js";

const serviceParams = instanceParams.extend({ service: nameSchema });

/** An instance's autoscaling policies, one per stateless service (docs/autoscaling.md). */
export const autoscaleRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances/:name/autoscale",
    summary: "The instance's autoscaling policies, each with its replicas now and the autoscaler's last step",
    response: autoscalePolicyListSchema,
    tag: "instances",
    auth: "required",
    params: instanceParams,
    handler: async ({ services: { platform }, caller, params }) => ({
      policies: await listAutoscaleViews(platform, caller, params.tenant, params.name),
    }),
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/instances/:name/autoscale/:service",
    summary:
      "Set (or replace) a stateless service's autoscaling policy; needs a plan with features.autoscaling, max within its replicas per service",
    response: autoscalePolicySchema,
    tag: "instances",
    auth: "required",
    quota: true,
    params: serviceParams,
    body: autoscalePolicyInput,
    example: { body: { min: 1, max: 3, cpuPercent: 70, memoryPercent: 80, cooldownSeconds: 120 } },
    authorize: ({ services: { platform }, caller, params }) =>
      requireInstanceFor(platform, caller, params.tenant, params.name, "instance.scale"),
    handler: ({ services: { platform }, caller, params, body }) =>
      setAutoscalePolicy(
        platform,
        caller,
        { tenant: params.tenant, instance: params.name, service: params.service },
        body,
      ),
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/instances/:name/autoscale/:service",
    summary: "Remove a service's autoscaling policy (its replicas stay as they are)",
    response: autoscaleRemovalSchema,
    tag: "instances",
    auth: "required",
    params: serviceParams,
    handler: ({ services: { platform }, caller, params }) =>
      removeAutoscalePolicy(platform, caller, {
        tenant: params.tenant,
        instance: params.name,
        service: params.service,
      }),
  }),
];

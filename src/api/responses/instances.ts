import * as z from "zod";
import type { InstanceFailure } from "../../domain/instanceFailure.js";
import type { StateChangeView } from "../../lifecycle/changeInstanceState.js";
import type { InstanceHistory } from "../../lifecycle/instanceHistory.js";
import type { InstanceView, PortView } from "../../lifecycle/instanceView.js";
import type { PlanView } from "../../lifecycle/planView.js";
import type { removeInstance } from "../../lifecycle/removeInstance.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const time = z.string().describe("ISO-8601 time");

export const instanceFailureSchema = named(
  "InstanceFailure",
  viewSchema<InstanceFailure>()(
    z.object({
      at: time,
      revision: z.number(),
      what: z.string().describe("what failed: `container web-1`, `start of web-1`, `image preparation`"),
      reason: z.string().describe("the whole sentence"),
      exitCode: z.number().optional(),
      oomKilled: z.boolean().optional(),
      logLines: z.array(z.string()).optional(),
    }),
  ),
);

export const portViewSchema = named(
  "Port",
  viewSchema<PortView>()(
    z.object({
      service: z.string(),
      name: z.string(),
      protocol: z.enum(["http", "tcp"]),
      containerPort: z.number(),
      hostPort: z.number(),
      url: z.string().optional(),
    }),
  ),
);

const instanceFields = {
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  plug: z.string(),
  version: z.string(),
  state: z.string().describe("observed state: deploying, running, stopped, suspended, failed, degraded, …"),
  reason: z.string().nullable().describe("why it is in this state, in words"),
  revision: z.number(),
  ports: z.array(portViewSchema),
  url: z.string().nullable(),
  proxyUrl: z.string().nullable().describe("through AIMS's proxy by host name; null when the proxy is off"),
  proxyPathUrl: z.string().nullable().optional().describe("only with proxy.pathRouting on"),
  replicas: z.record(z.string(), z.number()).describe("replicas asked for, by service"),
  lastFailure: instanceFailureSchema.nullable(),
  createdAt: time,
};

export const instanceViewSchema = named("Instance", viewSchema<InstanceView>()(z.object(instanceFields)));

export const stateChangeViewSchema = named(
  "StateChange",
  viewSchema<StateChangeView>()(
    z.object({
      ...instanceFields,
      unchanged: z.boolean().describe("it already was in the state asked for; nothing was recorded"),
    }),
  ),
);

export const removalSchema = named(
  "Removal",
  viewSchema<Awaited<ReturnType<typeof removeInstance>>>()(
    z.object({
      id: z.string(),
      tenant: z.string(),
      name: z.string(),
      removed: z.object({ containers: z.number(), networks: z.number(), volumes: z.number() }),
      kept: z.array(z.string()).describe("ids of the volumes kept"),
    }),
  ),
);

/** What an instance action answers: the instance (a state change says whether it changed), or a removal. */
export const actionResultSchema = z.union([stateChangeViewSchema, instanceViewSchema, removalSchema]);

export const planViewSchema = named(
  "ContainerPlan",
  viewSchema<PlanView>()(
    z.object({
      network: z.string(),
      volumes: z.array(z.object({ name: z.string(), service: z.string(), path: z.string() })),
      containers: z.array(
        z.object({
          name: z.string(),
          service: z.string(),
          image: z.string(),
          user: z.string(),
          env: z.record(z.string(), z.string()).describe("secrets as <secret:KEY>"),
          limits: z.object({ cpus: z.number(), memoryMiB: z.number(), pids: z.number() }),
          capabilities: z.object({ drop: z.array(z.string()), add: z.array(z.string()) }),
          dependsOn: z.array(z.string()),
        }),
      ),
      ports: z.array(
        z.object({
          service: z.string(),
          name: z.string(),
          container: z.number(),
          protocol: z.enum(["http", "tcp"]),
          host: z.number().nullable(),
        }),
      ),
      secrets: z.array(z.string()).describe("names only"),
    }),
  ),
);

export const deployPlanSchema = named(
  "DeployPlan",
  z.object({ plug: z.string(), version: z.string(), plan: planViewSchema }),
);

export const instanceHistorySchema = named(
  "InstanceHistory",
  viewSchema<InstanceHistory>()(
    z.object({
      tenant: z.string(),
      name: z.string(),
      revisions: z.array(
        z.object({
          revision: z.number(),
          version: z.string(),
          changes: z.record(z.string(), z.unknown()),
          by: z.string().nullable(),
          at: time,
          outcome: z.enum(["healthy", "failed", "rolled_back", "pending"]),
          reason: z.string().nullable(),
          settledAt: time.nullable(),
          running: z.boolean(),
        }),
      ),
      lastFailure: instanceFailureSchema.nullable(),
    }),
  ),
);

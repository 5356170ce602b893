import type { EventView } from "../../api/events/eventView.js";
import type { PlugSummary } from "../../catalog/plugSummary.js";
import type { CatalogFilter } from "../../catalog/searchCatalog.js";
import type { Plug } from "../../domain/manifest.js";
import type { MetricsQuery } from "../../domain/metricsQuery.js";
import type { ChangeStateInput, StateChangeView } from "../../lifecycle/changeInstanceState.js";
import type { DeployInput } from "../../lifecycle/deployInstance.js";
import type { HistoryInput, InstanceHistory } from "../../lifecycle/instanceHistory.js";
import type { InstanceView } from "../../lifecycle/instanceView.js";
import type { PlanView } from "../../lifecycle/planView.js";
import type { RemoveInput } from "../../lifecycle/removeInstance.js";
import type { ScaleInput } from "../../lifecycle/scaleInstance.js";
import type { UpdateInput } from "../../lifecycle/updateInstance.js";
import type { InstanceMetricsView } from "../../monitor/instanceMetrics.js";
import type { PublicPlan } from "../../plans/publicPlans.js";
import type { UsageView } from "../../quota/usageView.js";
import type { ProgressSink } from "../../runtime/RuntimeDriver.js";
import type { ChangeTenantPlanInput } from "../../tenancy/changeTenantPlan.js";
import type { TenantDeletion } from "../../tenancy/deleteTenant.js";
import type { DeleteTenantInput, TenantActionInput } from "../../tenancy/tenantInput.js";
import type { TenantStateChange } from "../../tenancy/tenantInstances.js";
import type { TenantView } from "../../tenancy/tenants.js";
import type { AcheevyClient } from "./acheevyClient.js";

/** A deploy's answer: the plan of a dry run, or the instance once it is healthy (`reused` when it existed). */
export type DeployResult =
  | { kind: "plan"; plug: string; version: string; plan: PlanView }
  | { kind: "deployed"; instance: InstanceView; reused: boolean };

/** What `rm` removed. */
export interface RemoveResult {
  id: string;
  tenant: string;
  name: string;
  removed: { containers: number; networks: number; volumes: number };
  /** Ids of the volumes kept (`--keep-volumes`), for `aims volumes` and `deploy --reuse-volumes`. */
  kept: string[];
}

/** A tenant with what it uses of its plan (`aims tenant show`). */
export interface TenantReport {
  tenant: TenantView;
  usage: UsageView;
}

/** `aims tenant create`: a tenant's name and, for the operator, its plan. */
export interface CreateTenantRequest {
  name: string;
  plan?: string;
}

/** Which log lines to stream. */
export interface LogsRequest {
  tenant: string;
  name: string;
  /** Lines per container to start from. */
  tail: number;
  follow: boolean;
}

/** Which events to stream: a tenant's (or every one the caller may see), types starting with `typePrefix`. */
export interface EventsRequest {
  tenant?: string;
  typePrefix?: string;
  /** Keep streaming new events after the stored ones. */
  follow: boolean;
}

/**
 * What the CLI asks of AIMS. Two implementations: `LocalClient` runs the lifecycle operations on this host's
 * data dir, `RemoteClient` asks an AIMS over its HTTP API (AIMS_URL + AIMS_API_KEY). Commands print the
 * answers with one piece of code, so both modes read the same.
 */
export interface AimsClient {
  /** Where commands act, for messages: `the data dir /root/.aims` or `AIMS at http://…`. */
  readonly target: string;
  listPlugs(filter: CatalogFilter): Promise<PlugSummary[]>;
  getPlug(id: string): Promise<Plug>;
  deploy(input: DeployInput, progress: ProgressSink): Promise<DeployResult>;
  listInstances(tenant?: string): Promise<InstanceView[]>;
  /** A state change; `unchanged` when the instance already was in the state asked for. */
  changeState(input: ChangeStateInput, progress: ProgressSink): Promise<StateChangeView>;
  scale(input: ScaleInput, progress: ProgressSink): Promise<InstanceView>;
  update(input: UpdateInput, progress: ProgressSink): Promise<InstanceView>;
  remove(input: RemoveInput, progress: ProgressSink): Promise<RemoveResult>;
  /** Revisions of an instance (what changed, who, when, what became of each) and its last failure. */
  history(input: HistoryInput): Promise<InstanceHistory>;
  /**
   * Writes log text (lines prefixed `service-replica | `) until the logs end or `signal` aborts; a followed
   * stream carries on across restarts, and `notice` hears of them (and of the end, when the instance stops).
   */
  streamLogs(
    request: LogsRequest,
    write: (text: string) => void,
    notice: (message: string) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Hands over events oldest first; with `follow`, keeps going until `signal` aborts. */
  streamEvents(
    request: EventsRequest,
    onEvent: (event: EventView) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** ACHEEVY: chat turns and approvals. */
  readonly acheevy: AcheevyClient;
  /** Every plan of the install, in its order. */
  listPlans(): Promise<PublicPlan[]>;
  /** A tenant, its plan and what it uses of it. */
  showTenant(tenant: string): Promise<TenantReport>;
  /** Moves a tenant to another plan (the operator only). */
  changeTenantPlan(tenant: string, input: ChangeTenantPlanInput): Promise<TenantView>;
  /** Creates a tenant (on this host: as the operator). */
  createTenant(input: CreateTenantRequest): Promise<TenantView>;
  /** Tenants the caller can see with their plan and status: every one for the operator. */
  listTenants(): Promise<TenantView[]>;
  /** Operator: suspends a tenant and waits until its instances are stopped. */
  suspendTenant(input: TenantActionInput, progress: ProgressSink): Promise<TenantStateChange>;
  /** Operator: resumes a tenant and waits until what ran before runs again. */
  resumeTenant(input: TenantActionInput, progress: ProgressSink): Promise<TenantStateChange>;
  /** Operator: deletes a tenant (with `force`, its instances and their volumes first). */
  deleteTenant(input: DeleteTenantInput, progress: ProgressSink): Promise<TenantDeletion>;
  /** An instance's resource samples between `query.from` and `query.to` (docs/monitoring.md). */
  instanceMetrics(tenant: string, name: string, query: MetricsQuery): Promise<InstanceMetricsView>;
  /** Releases what the client opened (the store, connections). */
  close(): Promise<void>;
}

import type { PlugSummary } from "../../catalog/plugSummary.js";
import type { CatalogFilter } from "../../catalog/searchCatalog.js";
import type { Plug } from "../../domain/manifest.js";
import type { MetricsQuery } from "../../domain/metricsQuery.js";
import {
  type ChangeStateInput,
  changeStateInputSchema,
  type StateChangeView,
} from "../../lifecycle/changeInstanceState.js";
import { type DeployInput, deployInputSchema } from "../../lifecycle/deployInstance.js";
import {
  type HistoryInput,
  historyInputSchema,
  type InstanceHistory,
} from "../../lifecycle/instanceHistory.js";
import type { InstanceView } from "../../lifecycle/instanceView.js";
import { parseInput } from "../../lifecycle/parseInput.js";
import type { PlanView } from "../../lifecycle/planView.js";
import { type RemoveInput, removeInputSchema } from "../../lifecycle/removeInstance.js";
import { type ScaleInput, scaleInputSchema } from "../../lifecycle/scaleInstance.js";
import { type UpdateInput, updateInputSchema } from "../../lifecycle/updateInstance.js";
import type { InstanceMetricsView } from "../../monitor/instanceMetrics.js";
import type { PublicPlan } from "../../plans/publicPlans.js";
import type { UsageView } from "../../quota/usageView.js";
import type { ProgressSink } from "../../runtime/RuntimeDriver.js";
import { type ChangeTenantPlanInput, changeTenantPlanInput } from "../../tenancy/changeTenantPlan.js";
import type { TenantDeletion } from "../../tenancy/deleteTenant.js";
import {
  type DeleteTenantInput,
  deleteTenantInput,
  type TenantActionInput,
  tenantActionInput,
} from "../../tenancy/tenantInput.js";
import type { TenantStateChange } from "../../tenancy/tenantInstances.js";
import { createTenantInput, type TenantView } from "../../tenancy/tenants.js";
import type {
  AimsClient,
  CreateTenantRequest,
  DeployResult,
  RemoveResult,
  TenantReport,
} from "./AimsClient.js";
import type { AcheevyClient } from "./acheevyClient.js";
import { RemoteApi, type RemoteTarget } from "./RemoteApi.js";
import { remoteAcheevy } from "./remoteAcheevy.js";
import { streamRemoteEvents, streamRemoteLogs } from "./remoteStreams.js";

const segment = encodeURIComponent;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const instancePath = (tenant: string, name: string) =>
  `/v1/tenants/${segment(tenant)}/instances/${segment(name)}`;

/**
 * The CLI in remote mode: every call goes through the HTTP API of the AIMS at AIMS_URL. Input is checked
 * with the lifecycle's own schemas first, so a mistake reads the same as on the host and costs no request.
 */
export class RemoteClient implements AimsClient {
  readonly target: string;
  readonly acheevy: AcheevyClient;
  readonly #api: RemoteApi;

  constructor(
    remote: RemoteTarget,
    private readonly notice: (message: string) => void = (m) => process.stderr.write(`aims: ${m}\n`),
  ) {
    this.#api = new RemoteApi(remote);
    this.acheevy = remoteAcheevy(this.#api);
    this.target = `AIMS at ${remote.url}`;
    const { protocol, hostname } = new URL(remote.url);
    if (protocol === "http:" && !LOOPBACK.test(hostname))
      notice(
        `warning: AIMS_URL is plain http to ${hostname}: the API key crosses the network unencrypted (use https)`,
      );
  }

  async listPlugs(filter: CatalogFilter): Promise<PlugSummary[]> {
    return this.#all<PlugSummary>("/v1/plugs", { category: filter.category, search: filter.search });
  }

  async getPlug(id: string): Promise<Plug> {
    return (await this.#api.json<Plug>("GET", `/v1/plugs/${segment(id)}`)).body;
  }

  async deploy(raw: DeployInput, progress: ProgressSink): Promise<DeployResult> {
    const input = parseInput(deployInputSchema, raw);
    const { status, body } = await this.#waiting(
      progress,
      input.dryRun ? "plan" : `deploy ${input.plug} as ${input.tenant}/${input.name}`,
      this.#api.json<InstanceView | { plug: string; version: string; plan: PlanView }>(
        "POST",
        `/v1/tenants/${segment(input.tenant)}/instances`,
        {
          body: {
            plug: input.plug,
            name: input.name,
            set: input.set,
            dryRun: input.dryRun,
            ...(input.reuseVolumes.length ? { reuseVolumes: input.reuseVolumes } : {}),
          },
        },
      ),
    );
    if (input.dryRun) return { kind: "plan", ...(body as { plug: string; version: string; plan: PlanView }) };
    return { kind: "deployed", instance: body as InstanceView, reused: status === 200 };
  }

  async history(raw: HistoryInput): Promise<InstanceHistory> {
    const { tenant, name } = parseInput(historyInputSchema, raw);
    return (await this.#api.json<InstanceHistory>("GET", `${instancePath(tenant, name)}/history`)).body;
  }

  async instanceMetrics(tenant: string, name: string, query: MetricsQuery): Promise<InstanceMetricsView> {
    const { body } = await this.#api.json<InstanceMetricsView>(
      "GET",
      `${instancePath(tenant, name)}/metrics`,
      {
        query: { from: query.from, to: query.to, step: query.step },
      },
    );
    return body;
  }

  async listInstances(tenant?: string): Promise<InstanceView[]> {
    return this.#all<InstanceView>("/v1/instances", { tenant });
  }

  async changeState(raw: ChangeStateInput, progress: ProgressSink): Promise<StateChangeView> {
    const { tenant, name, action } = parseInput(changeStateInputSchema, raw);
    const view = await this.#action<StateChangeView>(tenant, name, action, {}, progress);
    // An AIMS from before no-op answers said nothing of them.
    return { ...view, unchanged: view.unchanged ?? false };
  }

  async scale(raw: ScaleInput, progress: ProgressSink): Promise<InstanceView> {
    const { tenant, name, ...body } = parseInput(scaleInputSchema, raw);
    return this.#action(tenant, name, "scale", body, progress);
  }

  async update(raw: UpdateInput, progress: ProgressSink): Promise<InstanceView> {
    const { tenant, name, ...body } = parseInput(updateInputSchema, raw);
    return this.#action(tenant, name, "update", body, progress);
  }

  async remove(raw: RemoveInput, progress: ProgressSink): Promise<RemoveResult> {
    const { tenant, name, keepVolumes } = parseInput(removeInputSchema, raw);
    const answer = this.#api.json<RemoveResult>("DELETE", instancePath(tenant, name), {
      query: { keepVolumes },
    });
    const { body } = await this.#waiting(progress, `remove ${tenant}/${name}`, answer);
    // An AIMS from before kept volumes were objects answers without `kept`.
    return { ...body, kept: body.kept ?? [] };
  }

  async createTenant(raw: CreateTenantRequest): Promise<TenantView> {
    const body = parseInput(createTenantInput, raw);
    return (await this.#api.json<TenantView>("POST", "/v1/tenants", { body })).body;
  }

  async listTenants(): Promise<TenantView[]> {
    return this.#all<TenantView>("/v1/tenants", {});
  }

  async suspendTenant(raw: TenantActionInput, progress: ProgressSink): Promise<TenantStateChange> {
    const { tenant } = parseInput(tenantActionInput, raw);
    const answer = this.#api.json<TenantStateChange>("POST", `/v1/tenants/${segment(tenant)}/suspend`);
    return (await this.#waiting(progress, `suspend tenant ${tenant}`, answer)).body;
  }

  async resumeTenant(raw: TenantActionInput, progress: ProgressSink): Promise<TenantStateChange> {
    const { tenant } = parseInput(tenantActionInput, raw);
    const answer = this.#api.json<TenantStateChange>("POST", `/v1/tenants/${segment(tenant)}/resume`);
    return (await this.#waiting(progress, `resume tenant ${tenant}`, answer)).body;
  }

  async deleteTenant(raw: DeleteTenantInput, progress: ProgressSink): Promise<TenantDeletion> {
    const { tenant, force } = parseInput(deleteTenantInput, raw);
    const answer = this.#api.json<TenantDeletion>("DELETE", `/v1/tenants/${segment(tenant)}`, {
      query: { force },
    });
    return (await this.#waiting(progress, `delete tenant ${tenant}`, answer)).body;
  }

  streamLogs(...args: Parameters<AimsClient["streamLogs"]>) {
    return streamRemoteLogs(this.#api, ...args);
  }

  streamEvents(...args: Parameters<AimsClient["streamEvents"]>) {
    return streamRemoteEvents(this.#api, ...args, this.notice);
  }

  async listPlans(): Promise<PublicPlan[]> {
    return this.#all<PublicPlan>("/v1/plans", {});
  }

  async showTenant(tenant: string): Promise<TenantReport> {
    const path = `/v1/tenants/${segment(tenant)}`;
    const [view, usage] = await Promise.all([
      this.#api.json<TenantView>("GET", path),
      this.#api.json<UsageView>("GET", `${path}/usage`),
    ]);
    return { tenant: view.body, usage: usage.body };
  }

  async changeTenantPlan(tenant: string, raw: ChangeTenantPlanInput): Promise<TenantView> {
    const body = parseInput(changeTenantPlanInput, raw);
    return (await this.#api.json<TenantView>("PATCH", `/v1/tenants/${segment(tenant)}`, { body })).body;
  }

  async close() {}

  async #action<T = InstanceView>(
    tenant: string,
    name: string,
    action: string,
    body: object,
    progress: ProgressSink,
  ) {
    const answer = this.#api.json<T>("POST", `${instancePath(tenant, name)}/actions/${action}`, {
      body,
    });
    return (await this.#waiting(progress, `${action} ${tenant}/${name}`, answer)).body;
  }

  /** Every page of a list. */
  async #all<T>(path: string, query: Record<string, string | undefined>): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await this.#api.json<{ items: T[]; nextCursor: string | null }>("GET", path, {
        query: { ...query, limit: 200, cursor },
      });
      items.push(...body.items);
      cursor = body.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }

  /**
   * The API answers a long operation once it has settled; meanwhile the progress line says what is awaited
   * (and every 5 s that it still is), since the server's own progress stays in its log.
   */
  async #waiting<T>(progress: ProgressSink, what: string, answer: Promise<T>): Promise<T> {
    progress(`asked ${this.target} to ${what}; waiting for it to settle`);
    const started = Date.now();
    const timer = setInterval(
      () => progress(`still waiting for ${what} (${Math.round((Date.now() - started) / 1000)} s)`),
      5000,
    );
    try {
      return await answer;
    } finally {
      clearInterval(timer);
    }
  }
}

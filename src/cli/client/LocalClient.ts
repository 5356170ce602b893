import type { CatalogFilter } from "../../catalog/searchCatalog.js";
import type { AimsConfig } from "../../config.js";
import type { MetricsQuery } from "../../domain/metricsQuery.js";
import type { Actor } from "../../lifecycle/actor.js";
import type { ChangeStateInput } from "../../lifecycle/changeInstanceState.js";
import type { DeployInput } from "../../lifecycle/deployInstance.js";
import type { HistoryInput } from "../../lifecycle/instanceHistory.js";
import type { RemoveInput } from "../../lifecycle/removeInstance.js";
import type { ScaleInput } from "../../lifecycle/scaleInstance.js";
import type { UpdateInput } from "../../lifecycle/updateInstance.js";
import { catalogFor, createPlatform, type Platform } from "../../platform.js";
import type { ProgressSink } from "../../runtime/RuntimeDriver.js";
import type { ChangeTenantPlanInput } from "../../tenancy/changeTenantPlan.js";
import type { DeleteTenantInput, TenantActionInput } from "../../tenancy/tenantInput.js";
import type { AimsClient, CreateTenantRequest, DeployResult } from "./AimsClient.js";
import type { AcheevyClient } from "./acheevyClient.js";
import { localAcheevy } from "./localAcheevy.js";

/**
 * The CLI on the AIMS host: runs the lifecycle operations on the local data dir. The platform (store, master
 * key) opens on first use, so browsing the catalog never creates files; each operation's module is loaded
 * by the method that runs it, so a command loads only the operation it calls.
 */
export class LocalClient implements AimsClient {
  readonly target: string;
  readonly acheevy: AcheevyClient;
  #platform: Promise<Platform> | undefined;

  constructor(
    private readonly config: AimsConfig,
    private readonly actor: Actor,
  ) {
    this.target = `the data dir ${config.dataDir}`;
    this.acheevy = localAcheevy(() => this.#p(), actor);
  }

  #p(): Promise<Platform> {
    this.#platform ??= createPlatform(this.config);
    return this.#platform;
  }

  async listPlugs(filter: CatalogFilter) {
    const [{ filterCatalog }, { plugSummary }] = await Promise.all([
      import("../../catalog/searchCatalog.js"),
      import("../../catalog/plugSummary.js"),
    ]);
    return filterCatalog(catalogFor(this.config).entries, filter).map((e) => plugSummary(e.plug));
  }

  async getPlug(id: string) {
    return catalogFor(this.config).get(id).plug;
  }

  async deploy(input: DeployInput, progress: ProgressSink): Promise<DeployResult> {
    const [{ deployInstance }, { planView }] = await Promise.all([
      import("../../lifecycle/deployInstance.js"),
      import("../../lifecycle/planView.js"),
    ]);
    const outcome = await deployInstance(await this.#p(), input, this.actor, progress);
    return outcome.kind === "plan"
      ? { kind: "plan", plug: outcome.plug, version: outcome.version, plan: planView(outcome.plan) }
      : outcome;
  }

  async instanceMetrics(tenant: string, name: string, query: MetricsQuery) {
    const [{ readInstanceMetrics }, { hostCaller }] = await Promise.all([
      import("../../monitor/instanceMetrics.js"),
      import("../../tenancy/principal.js"),
    ]);
    return readInstanceMetrics(await this.#p(), hostCaller(this.actor), tenant, name, query);
  }

  async history(input: HistoryInput) {
    const { instanceHistory } = await import("../../lifecycle/instanceHistory.js");
    return instanceHistory(await this.#p(), input);
  }

  async listInstances(tenant?: string) {
    const { listInstanceViews } = await import("../../lifecycle/listInstances.js");
    return listInstanceViews(await this.#p(), tenant);
  }

  async changeState(input: ChangeStateInput, progress: ProgressSink) {
    const { changeInstanceState } = await import("../../lifecycle/changeInstanceState.js");
    return changeInstanceState(await this.#p(), input, this.actor, progress);
  }

  async scale(input: ScaleInput, progress: ProgressSink) {
    const { scaleInstance } = await import("../../lifecycle/scaleInstance.js");
    return scaleInstance(await this.#p(), input, this.actor, progress);
  }

  async update(input: UpdateInput, progress: ProgressSink) {
    const { updateInstance } = await import("../../lifecycle/updateInstance.js");
    return updateInstance(await this.#p(), input, this.actor, progress);
  }

  async remove(input: RemoveInput, progress: ProgressSink) {
    const { removeInstance } = await import("../../lifecycle/removeInstance.js");
    return removeInstance(await this.#p(), input, this.actor, progress);
  }

  async listPlans() {
    const { publicPlans } = await import("../../plans/publicPlans.js");
    return publicPlans((await this.#p()).plans);
  }

  async showTenant(tenant: string) {
    const [{ requireTenant, hostOperator }, { toTenantView }, { tenantUsageView }] = await Promise.all([
      import("../../tenancy/principal.js"),
      import("../../tenancy/tenants.js"),
      import("../../quota/usageView.js"),
    ]);
    const p = await this.#p();
    const found = await requireTenant(p.store.db, hostOperator(this.actor).principal, tenant, "tenant.read");
    return {
      tenant: toTenantView(found.tenant, found.role),
      usage: await tenantUsageView(p.store.db, p.plans, found.tenant),
    };
  }

  async changeTenantPlan(tenant: string, input: ChangeTenantPlanInput) {
    const [{ changeTenantPlan }, { hostOperator }] = await Promise.all([
      import("../../tenancy/changeTenantPlan.js"),
      import("../../tenancy/principal.js"),
    ]);
    return changeTenantPlan(await this.#p(), hostOperator(this.actor), tenant, input);
  }

  async createTenant(input: CreateTenantRequest) {
    const [{ createTenant, createTenantInput }, { parseInput }, { hostOperator }] = await Promise.all([
      import("../../tenancy/tenants.js"),
      import("../../lifecycle/parseInput.js"),
      import("../../tenancy/principal.js"),
    ]);
    return createTenant(await this.#p(), hostOperator(this.actor), parseInput(createTenantInput, input));
  }

  async listTenants() {
    const [{ tenantsWhere, hostOperator }, { toTenantView }] = await Promise.all([
      import("../../tenancy/principal.js"),
      import("../../tenancy/tenants.js"),
    ]);
    const p = await this.#p();
    const visible = await tenantsWhere(p.store.db, hostOperator(this.actor).principal, "tenant.read");
    return visible.map((v) => toTenantView(v.tenant, v.role));
  }

  async suspendTenant(input: TenantActionInput, progress: ProgressSink) {
    const [{ suspendTenant }, { hostOperator }] = await Promise.all([
      import("../../tenancy/suspendTenant.js"),
      import("../../tenancy/principal.js"),
    ]);
    return suspendTenant(await this.#p(), hostOperator(this.actor), input, progress);
  }

  async resumeTenant(input: TenantActionInput, progress: ProgressSink) {
    const [{ resumeTenant }, { hostOperator }] = await Promise.all([
      import("../../tenancy/resumeTenant.js"),
      import("../../tenancy/principal.js"),
    ]);
    return resumeTenant(await this.#p(), hostOperator(this.actor), input, progress);
  }

  async deleteTenant(input: DeleteTenantInput, progress: ProgressSink) {
    const [{ deleteTenant }, { hostOperator }] = await Promise.all([
      import("../../tenancy/deleteTenant.js"),
      import("../../tenancy/principal.js"),
    ]);
    return deleteTenant(await this.#p(), hostOperator(this.actor), input, progress);
  }

  async streamLogs(...args: Parameters<AimsClient["streamLogs"]>) {
    const { streamLocalLogs } = await import("./localStreams.js");
    return streamLocalLogs(await this.#p(), ...args);
  }

  async streamEvents(...args: Parameters<AimsClient["streamEvents"]>) {
    const { streamLocalEvents } = await import("./localStreams.js");
    return streamLocalEvents(await this.#p(), ...args);
  }

  async close() {
    if (!this.#platform) return;
    // A platform that failed to open has its error reported by the call that needed it.
    const platform = await this.#platform.catch(() => undefined);
    // Routes this command changed are live before it returns (Platform.close flushes them).
    await platform?.close();
  }
}

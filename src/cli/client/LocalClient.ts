import { plugSummary } from "../../catalog/plugSummary.js";
import { type CatalogFilter, filterCatalog } from "../../catalog/searchCatalog.js";
import type { AimsConfig } from "../../config.js";
import type { Actor } from "../../lifecycle/actor.js";
import { type ChangeStateInput, changeInstanceState } from "../../lifecycle/changeInstanceState.js";
import { type DeployInput, deployInstance } from "../../lifecycle/deployInstance.js";
import { type HistoryInput, instanceHistory } from "../../lifecycle/instanceHistory.js";
import { listInstanceViews } from "../../lifecycle/listInstances.js";
import { planView } from "../../lifecycle/planView.js";
import { type RemoveInput, removeInstance } from "../../lifecycle/removeInstance.js";
import { type ScaleInput, scaleInstance } from "../../lifecycle/scaleInstance.js";
import { type UpdateInput, updateInstance } from "../../lifecycle/updateInstance.js";
import { catalogFor, createPlatform, type Platform } from "../../platform.js";
import type { ProgressSink } from "../../runtime/RuntimeDriver.js";
import type { AimsClient, DeployResult } from "./AimsClient.js";
import { streamLocalEvents, streamLocalLogs } from "./localStreams.js";

/**
 * The CLI on the AIMS host: runs the lifecycle operations on the local data dir. The platform (store, master
 * key) opens on first use, so browsing the catalog never creates files.
 */
export class LocalClient implements AimsClient {
  readonly target: string;
  #platform: Promise<Platform> | undefined;

  constructor(
    private readonly config: AimsConfig,
    private readonly actor: Actor,
  ) {
    this.target = `the data dir ${config.dataDir}`;
  }

  #p(): Promise<Platform> {
    this.#platform ??= createPlatform(this.config);
    return this.#platform;
  }

  async listPlugs(filter: CatalogFilter) {
    return filterCatalog(catalogFor(this.config).entries, filter).map((e) => plugSummary(e.plug));
  }

  async getPlug(id: string) {
    return catalogFor(this.config).get(id).plug;
  }

  async deploy(input: DeployInput, progress: ProgressSink): Promise<DeployResult> {
    const outcome = await deployInstance(await this.#p(), input, this.actor, progress);
    return outcome.kind === "plan"
      ? { kind: "plan", plug: outcome.plug, version: outcome.version, plan: planView(outcome.plan) }
      : outcome;
  }

  async history(input: HistoryInput) {
    return instanceHistory(await this.#p(), input);
  }

  async listInstances(tenant?: string) {
    return listInstanceViews(await this.#p(), tenant);
  }

  async changeState(input: ChangeStateInput, progress: ProgressSink) {
    return changeInstanceState(await this.#p(), input, this.actor, progress);
  }

  async scale(input: ScaleInput, progress: ProgressSink) {
    return scaleInstance(await this.#p(), input, this.actor, progress);
  }

  async update(input: UpdateInput, progress: ProgressSink) {
    return updateInstance(await this.#p(), input, this.actor, progress);
  }

  async remove(input: RemoveInput, progress: ProgressSink) {
    return removeInstance(await this.#p(), input, this.actor, progress);
  }

  async streamLogs(...args: Parameters<AimsClient["streamLogs"]>) {
    return streamLocalLogs(await this.#p(), ...args);
  }

  async streamEvents(...args: Parameters<AimsClient["streamEvents"]>) {
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

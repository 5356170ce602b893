import { setTimeout as sleep } from "node:timers/promises";
import type { ReconcilerContext } from "../context.js";
import { type ContainerState, LABEL, type LogOptions } from "../runtime/RuntimeDriver.js";
import { getInstanceForReconciler } from "../store/instanceRepository.js";

export interface InstanceLogOptions {
  tail: number;
  follow: boolean;
  signal: AbortSignal;
}

/** How often a followed stream whose container stopped looks for its next run. */
const LOOK_EVERY_MS = 500;

/** `web-1`: a container's service and replica, the prefix of its lines. */
const slotOf = (c: ContainerState) => `${c.labels[LABEL.service] ?? "?"}-${c.labels[LABEL.replica] ?? "1"}`;

/**
 * Every container's log lines of one instance, each prefixed with `service-replica | `, written line by
 * line until the logs end. With `follow`, a container that stops is followed again when it runs again (a
 * restart, a crash healed, an update's new container), and `notice` says so; the logs end when the
 * instance is stopped, suspended or removed (`notice` says that too), or when `signal` aborts. The CLI on
 * the host and the API both stream through this.
 */
export async function streamInstanceLogs(
  p: ReconcilerContext,
  instanceId: string,
  options: InstanceLogOptions,
  write: (line: string) => void,
  notice: (message: string) => void = () => {},
): Promise<void> {
  const { containers } = await p.runtime.listManaged({
    [LABEL.installation]: p.store.installationId,
    [LABEL.instance]: instanceId,
  });
  await Promise.all(
    containers.map(async (first) => {
      const slot = slotOf(first);
      let container: ContainerState | undefined = first;
      let from: LogOptions = { follow: options.follow, tail: options.tail, signal: options.signal };
      while (container) {
        await copyLines(p, container.id, from, `${slot} | `, write);
        if (!options.follow || options.signal.aborted) return;
        const ended = await p.runtime.inspectContainer(container.id);
        if (ended?.running) {
          // The engine dropped the stream of a container that still runs: carry on from now, quietly.
          from = { follow: true, since: new Date().toISOString(), signal: options.signal };
          continue;
        }
        const next = await nextRun(p, instanceId, slot, ended, options.signal, notice);
        if (!next) return;
        const again = next.id === container.id;
        notice(`${slot} restarted; following ${again ? "it again" : "the new container"}`);
        // The same container again: only the lines of its new run; a new container: all of them.
        from = {
          follow: true,
          ...(again && ended?.finishedAt ? { since: ended.finishedAt } : {}),
          signal: options.signal,
        };
        container = next;
      }
    }),
  );
}

/** Writes a container's log text line by line, each with `prefix`. */
async function copyLines(
  p: ReconcilerContext,
  containerId: string,
  options: LogOptions,
  prefix: string,
  write: (line: string) => void,
): Promise<void> {
  let pending = "";
  try {
    for await (const chunk of p.runtime.logs(containerId, options)) {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) write(`${prefix}${line}\n`);
    }
  } catch (err) {
    // A container removed under a followed stream (an update replaced it) ends its stream, nothing more.
    if (!(options.follow && (err as { code?: string }).code === "not_found")) throw err;
  }
  if (pending) write(`${prefix}${pending}\n`);
}

/** True when `run` started after `ended` finished (milliseconds are enough: a run lasts longer than one). */
function startedAfter(run: ContainerState, ended: ContainerState): boolean {
  if (!ended.finishedAt) return true;
  return Date.parse(run.startedAt ?? "") >= Date.parse(ended.finishedAt);
}

/**
 * Waits for the next run of `slot` after `ended` stopped: the same container started again, or another
 * container in its place. Undefined when the instance is no longer meant to run (after a notice saying
 * so) or when `signal` aborts.
 */
async function nextRun(
  p: ReconcilerContext,
  instanceId: string,
  slot: string,
  ended: ContainerState | undefined,
  signal: AbortSignal,
  notice: (message: string) => void,
): Promise<ContainerState | undefined> {
  while (!signal.aborted) {
    const row = await getInstanceForReconciler(p.store.db, instanceId);
    if (!row || row.removed_at || row.desired_state !== "running") {
      const state = !row || row.removed_at || row.desired_state === "removed" ? "removed" : row.desired_state;
      notice(`${slot} stopped; the instance is ${state}, so its logs end here`);
      return undefined;
    }
    const { containers } = await p.runtime.listManaged({
      [LABEL.installation]: p.store.installationId,
      [LABEL.instance]: instanceId,
    });
    for (const c of containers.filter((x) => x.running && slotOf(x) === slot)) {
      if (c.id !== ended?.id) return c;
      // The list does not say when it started: the same container counts once it started after it ended.
      const now = await p.runtime.inspectContainer(c.id);
      if (now?.running && startedAfter(now, ended)) return now;
    }
    await sleep(LOOK_EVERY_MS, undefined, { signal }).catch(() => undefined);
  }
  return undefined;
}

import type { ReconcilerContext } from "../context.js";
import type { InstanceFailure } from "../domain/instanceFailure.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { LABEL, type ProgressSink } from "../runtime/RuntimeDriver.js";
import { findRevision, type InstanceRow, updateInstanceState } from "../store/instanceRepository.js";
import { convergeInstance, planFor } from "./convergeInstance.js";
import { rolledBackReason } from "./planReconcile.js";
import { plugSourceOf } from "./plugSource.js";
import { resolveImages } from "./resolveImages.js";
import { transition } from "./transition.js";

/**
 * An update whose new revision failed its health gate: remove the new revision's containers, make the
 * last revision that was ever healthy the desired one again and bring its (stopped, kept) containers back.
 */
export async function rollbackUpdate(
  p: ReconcilerContext,
  tenant: { id: string; name: string },
  row: InstanceRow,
  to: { revision: number | null; reason: string; failure: InstanceFailure },
  progress: ProgressSink,
): Promise<InstanceRow> {
  const failedRevision = row.revision;
  const { reason } = to;
  const last_failure = JSON.stringify(to.failure);
  const prev = to.revision === null ? undefined : await findRevision(p.store.db, row.id, to.revision);
  if (!prev) {
    return transition(
      p,
      tenant,
      row,
      { observed_state: "failed", reason, last_failure },
      {
        event: "instance.failed",
        result: "failed",
        data: { reason },
        outcome: { revision: failedRevision, outcome: "failed", reason },
      },
    );
  }
  progress(`revision ${failedRevision} failed (${reason}); rolling back to revision ${prev.revision}`);
  const { containers } = await p.runtime.listManaged({
    [LABEL.installation]: p.store.installationId,
    [LABEL.instance]: row.id,
    [LABEL.revision]: String(failedRevision),
  });
  await Promise.all(containers.map((c) => p.runtime.removeContainer(c.id)));
  const restored = await updateInstanceState(p.store.db, row.id, {
    revision: prev.revision,
    spec: prev.spec,
    plug_version: prev.plug_version,
  });
  const spec = parseSpec(prev.spec);
  const message = rolledBackReason(failedRevision, reason, prev.revision);
  try {
    const images = await resolveImages(
      p.runtime,
      plugSourceOf(p, spec),
      p.config.imageOverrides,
      progress,
      spec.images,
    );
    await convergeInstance(p, restored, await planFor(p, tenant, restored, spec, images), progress);
  } catch (err) {
    const why = `${message}, and the previous revision did not come back: ${(err as Error).message}`;
    return transition(
      p,
      tenant,
      restored,
      { observed_state: "failed", reason: why, last_failure },
      {
        event: "instance.failed",
        result: "failed",
        data: { reason: why },
        outcome: { revision: failedRevision, outcome: "rolled_back", reason },
      },
    );
  }
  return transition(
    p,
    tenant,
    restored,
    { observed_state: "ready", reason: message, retry_at: null, last_failure },
    {
      event: "instance.rolled_back",
      action: "instance.update",
      result: "failed",
      data: { from: failedRevision, to: prev.revision, reason },
      outcome: { revision: failedRevision, outcome: "rolled_back", reason },
    },
  );
}

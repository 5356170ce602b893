import * as z from "zod";
import type { OperationContext } from "../context.js";
import { type InstanceFailure, parseFailure } from "../domain/instanceFailure.js";
import { nameSchema } from "../domain/names.js";
import { listRevisions } from "../store/instanceRepository.js";
import type { RevisionOutcome } from "../store/schema.js";
import { parseInput } from "./parseInput.js";
import { requireInstance } from "./requireInstance.js";

export const historyInputSchema = z.object({ tenant: nameSchema, name: nameSchema });
export type HistoryInput = z.input<typeof historyInputSchema>;

/** One revision as `aims history` shows it. */
export interface RevisionView {
  revision: number;
  version: string;
  /** What it changed: input names (never values), images, limits, version; `deployed` for the first. */
  changes: Record<string, unknown>;
  by: string | null;
  at: string;
  /** `pending` while it has not settled; `running` marks the revision serving now. */
  outcome: RevisionOutcome | "pending";
  reason: string | null;
  settledAt: string | null;
  running: boolean;
}

/** An instance's revisions, oldest first, with the last failure it keeps. */
export interface InstanceHistory {
  tenant: string;
  name: string;
  revisions: RevisionView[];
  lastFailure: InstanceFailure | null;
}

/** The revision history of an instance: what each revision changed, who asked, when, and what became of it. */
export async function instanceHistory(p: OperationContext, raw: HistoryInput): Promise<InstanceHistory> {
  const input = parseInput(historyInputSchema, raw);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  const rows = await listRevisions(p.store.db, instance.id);
  return {
    tenant: tenant.name,
    name: instance.name,
    revisions: rows.map((r) => ({
      revision: r.revision,
      version: r.plug_version,
      changes: parseChanges(r.changes),
      by: r.actor,
      at: r.created_at,
      outcome: r.outcome ?? "pending",
      reason: r.outcome_reason,
      settledAt: r.settled_at,
      running: r.revision === instance.running_revision,
    })),
    lastFailure: parseFailure(instance.last_failure),
  };
}

function parseChanges(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

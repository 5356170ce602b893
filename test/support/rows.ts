import { newId } from "../../src/domain/names.js";
import type { InstanceRow } from "../../src/store/instanceRepository.js";

/** The moment the default row is seen from (planner tests pass it as `now`). */
export const NOW = Date.parse("2025-01-01T12:00:00.000Z");

/** The ISO time `msFromNow` after NOW (before it when negative). */
export const iso = (msFromNow: number): string => new Date(NOW + msFromNow).toISOString();

/**
 * An instance row, complete: by default a ready instance at revision 1, created and first ready an hour
 * before NOW, with a fresh id; override what the test is about (a row for the store needs its tenant_id).
 *
 * @example instanceRow({ tenant_id: tenant.id, name: "cache", observed_state: "pending" })
 */
export function instanceRow(overrides: Partial<InstanceRow> = {}): InstanceRow {
  return {
    id: newId(),
    tenant_id: "tenant-1",
    name: "blog",
    plug_id: "ghost",
    plug_version: "1.0.0",
    desired_state: "running",
    observed_state: "ready",
    reason: null,
    revision: 1,
    spec: "{}",
    created_at: iso(-3_600_000),
    updated_at: iso(-3_600_000),
    removed_at: null,
    failures: 0,
    retry_at: null,
    last_restart_at: null,
    first_ready_at: iso(-3_600_000),
    restart_requested_at: null,
    restart_done_at: null,
    running_revision: 1,
    failure_code: null,
    last_failure: null,
    volume_naming: "id",
    suspended_from: null,
    network: null,
    ...overrides,
  };
}

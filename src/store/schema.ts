import type { Generated } from "kysely";

/** Times are ISO-8601 UTC strings; JSON columns are text (portable between SQLite and PostgreSQL). */

export interface InstallationsTable {
  id: string;
  created_at: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  status: "active" | "suspended";
  created_at: string;
  updated_at: string;
}

/** What the user asked for; the reconciler drives the world toward it. */
export type DesiredState = "running" | "stopped" | "suspended" | "removed";
/** What the reconciler last saw (only the reconciler and lifecycle operations write it). */
export type ObservedState =
  | "pending"
  | "deploying"
  | "updating"
  | "ready"
  | "degraded"
  | "stopping"
  | "stopped"
  | "suspended"
  | "failed"
  | "removing"
  | "removed";

export interface InstancesTable {
  id: string;
  tenant_id: string;
  name: string;
  plug_id: string;
  plug_version: string;
  desired_state: DesiredState;
  observed_state: ObservedState;
  /** Why the instance is in its observed state (failure reasons a person can act on). */
  reason: string | null;
  revision: number;
  /** JSON: { inputs: non-secret input values, keepVolumes?: boolean }. Never holds a secret. */
  spec: string;
  created_at: string;
  updated_at: string;
  removed_at: string | null;
}

export interface InstanceSecretsTable {
  instance_id: string;
  key: string;
  /** AES-256-GCM sealed value (see src/secrets/cipher.ts). */
  ciphertext: string;
  origin: "generated" | "input";
  created_at: string;
}

export interface AllocationsTable {
  port: number;
  instance_id: string;
  service: string;
  port_name: string;
  replica: number;
  created_at: string;
}

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  tenant_id: string | null;
  subject: string | null;
  /** JSON object; never holds a secret. */
  data: string;
  created_at: string;
}

export interface AuditEntriesTable {
  seq: Generated<number>;
  id: string;
  actor: string;
  action: string;
  target: string;
  tenant_id: string | null;
  source: string;
  result: "ok" | "failed" | "denied";
  data: string;
  created_at: string;
  /** Hash of the previous entry (hash chain: editing or deleting an entry breaks every later hash). */
  prev_hash: string;
  hash: string;
}

export interface Database {
  installations: InstallationsTable;
  tenants: TenantsTable;
  instances: InstancesTable;
  instance_secrets: InstanceSecretsTable;
  allocations: AllocationsTable;
  events: EventsTable;
  audit_entries: AuditEntriesTable;
}

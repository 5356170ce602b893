import type { ColumnType, Generated } from "kysely";
import type { ApprovalPolicy, ApprovalStatus, Risk } from "../domain/approvals.js";

/** Times are ISO-8601 UTC strings; JSON columns are text (portable between SQLite and PostgreSQL). */

export interface InstallationsTable {
  id: string;
  created_at: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  /** `suspended` by the operator (reads only); `deleted` keeps the row for the history that names it. */
  status: "active" | "suspended" | "deleted";
  /** The tenant's plan, by name (plans/plans.yaml); null only before migration 0009 filled it. */
  plan: string | null;
  created_at: string;
  updated_at: string;
  /** When the operator deleted it (status `deleted`); null otherwise. */
  deleted_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** What the user asked for; the reconciler drives the world toward it. */
export type DesiredState = "running" | "stopped" | "suspended" | "removed";
/** What the reconciler last saw (only the reconciler writes it; a new row starts `pending`). */
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
  /** Crashes since the instance last ran stably (the reconciler is the one restarter). */
  failures: ColumnType<number, number | undefined, number>;
  /** When the reconciler may restart a crashed container next (backoff). */
  retry_at: ColumnType<string | null, string | null | undefined, string | null>;
  last_restart_at: ColumnType<string | null, string | null | undefined, string | null>;
  first_ready_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Desired: a restart was asked for at this time (`aims restart`, `start` of a failed instance). */
  restart_requested_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Observed: the `restart_requested_at` the reconciler last carried out. */
  restart_done_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Observed: the last revision that became healthy (what a failed update rolls back to); null before. */
  running_revision: ColumnType<number | null, number | null | undefined, number | null>;
  /** Observed: the error code of the failure in `reason` when a first deploy was undone (else null). */
  failure_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** Observed: JSON InstanceFailure, the last failure (what, exit code, OOM, log lines), kept until a change succeeds. */
  last_failure: ColumnType<string | null, string | null | undefined, string | null>;
  /** How its Docker volumes are named (src/domain/objectNames.ts): `name` for instances from before 0007. */
  volume_naming: ColumnType<"id" | "name", "id" | "name" | undefined, "id" | "name">;
  /**
   * Desired: what the instance was meant to be when its tenant was suspended (`aims tenant suspend`), restored by
   * `aims tenant resume`; null while its tenant is not suspended.
   */
  suspended_from: ColumnType<
    "running" | "stopped" | "suspended" | null,
    "running" | "stopped" | "suspended" | null | undefined,
    "running" | "stopped" | "suspended" | null
  >;
  /** Desired: the Docker network it runs on when not the one named after it (a claimed pool network), else null. */
  network: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A network of the warm pool (src/lifecycle/networkPool.ts): waiting while `instance_id` is null, then that instance's. */
export interface NetworkPoolTable {
  /** Its Docker name (objectNames.poolNetworkName). */
  name: string;
  created_at: string;
  instance_id: string | null;
  claimed_at: string | null;
}

/**
 * A Docker volume kept when its instance was removed with `--keep-volumes`: a store object of its own that
 * `aims volumes` lists and removes and `aims deploy --reuse-volumes` reattaches.
 */
/** A version of a tenant's private plug (an imported compose file): migration 0013. */
export interface TenantPlugsTable {
  id: string;
  tenant_id: string;
  /** The plug's id, unique within the tenant and never a catalog plug's. */
  name: string;
  /** 1 for the first import under the name; each re-import adds one. */
  version: number;
  /** The plug manifest (JSON) the compose file became. */
  manifest: string;
  /** The compose file as it was imported. */
  source: string;
  /** JSON `{ changed, ignored }`: what the import did differently from Compose and the keys it did not use. */
  report: string;
  created_by: string;
  created_at: string;
  /** When `aims plug rm` removed the plug (every version); null while it can be deployed. */
  removed_at: string | null;
}

export interface KeptVolumesTable {
  id: string;
  tenant_id: string;
  plug_id: string;
  service: string;
  /** The volume's name in the manifest (`volumes: [{ name }]`). */
  volume: string;
  /** Where the service mounts it. */
  path: string;
  docker_volume: string;
  /** The instance it was kept from (the last one, when it was reattached and kept again). */
  instance_id: string;
  instance_name: string;
  /**
   * JSON `[{ key, ciphertext, origin }]`: the instance's sealed secrets the data was written with (sealed
   * for `instance_id`), or null when not recorded (volumes kept before 0007 and adopted by the tick).
   */
  secrets: string | null;
  kept_at: string;
  /** The instance it is mounted by now (`deploy --reuse-volumes`), or null while it waits. */
  reattached_to: string | null;
  /** Desired: `aims volumes rm` asked for its removal at this time. */
  remove_requested_at: string | null;
  /** Observed: the reconciler removed the Docker volume (or the instance it was attached to took it along). */
  removed_at: string | null;
}

/** What became of a revision: healthy at least once, failed (the instance failed), or rolled back. */
export type RevisionOutcome = "healthy" | "failed" | "rolled_back";

export interface InstanceRevisionsTable {
  instance_id: string;
  revision: number;
  plug_version: string;
  /** JSON InstanceSpec of that revision (no secrets). */
  spec: string;
  created_at: string;
  /** JSON: what this revision changed (inputs by name, images, limits, version); `{}` for the first. */
  changes: ColumnType<string, string | undefined, string>;
  /** Who asked for it (audit actor id). */
  actor: ColumnType<string | null, string | null | undefined, string | null>;
  /** Null while it has not settled yet. */
  outcome: ColumnType<RevisionOutcome | null, RevisionOutcome | null | undefined, RevisionOutcome | null>;
  /** Why it failed or was rolled back. */
  outcome_reason: ColumnType<string | null, string | null | undefined, string | null>;
  settled_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LeasesTable {
  /** e.g. `instance:<id>` */
  name: string;
  /** `<hostname>:<pid>:<random>` of the process acting. */
  holder: string;
  expires_at: string;
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

/** A tenant role, most powerful first (see src/tenancy/roles.ts for what each may do). */
export type Role = "owner" | "admin" | "member" | "viewer";

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  /** argon2id PHC string; never leaves the store. */
  password_hash: string;
  /** 1 for the operator's people: they act on every tenant. */
  platform_admin: number;
  created_at: string;
  updated_at: string;
  password_changed_at: string;
}

export interface MembersTable {
  tenant_id: string;
  user_id: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** The first characters of the key, shown to tell keys apart; not enough to use it. */
  prefix: string;
  /** SHA-256 hex of the whole key: the only trace of the secret. */
  digest: string;
  /** Set for a user's key (never exceeds that user's role); null for service keys and the operator key. */
  user_id: string | null;
  /** The one tenant a key is limited to; required for service keys. */
  tenant_id: string | null;
  /** A user key's optional cap, a service key's role. */
  role: Role | null;
  /** JSON array of permissions the key is narrowed to; null means the role's full set. */
  scopes: string | null;
  platform_admin: number;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_by: string;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 hex of the session cookie value. */
  digest: string;
  /** SHA-256 hex of the CSRF token the browser echoes in X-CSRF-Token. */
  csrf_digest: string;
  user_id: string;
  source: string;
  expires_at: string;
  revoked_at: string | null;
  created_at: string;
}

export interface InvitationsTable {
  id: string;
  tenant_id: string;
  email: string;
  role: Role;
  /** SHA-256 hex of the single-use token. */
  digest: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
  revoked_at: string | null;
  created_by: string;
  created_at: string;
}

/** A POST answered once per (principal, Idempotency-Key); the answer is replayed for retries. */
export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  method: string;
  path: string;
  request_digest: string;
  /** Null while the first request is still running. */
  status_code: number | null;
  response: string | null;
  created_at: string;
}

/** Failed attempts of one throttled key (`address:<ip>`, `account:<email>`), see src/domain/backoff.ts. */
export interface ThrottlesTable {
  key: string;
  /** Failures counted (an attempt counts as one until it succeeds). */
  failures: number;
  /** Attempts before this time are refused (429) without being checked. */
  next_attempt_at: string | null;
  last_failure_at: string;
  /** The `next_attempt_at` whose first refusal was audited: one audit entry per wait, not per refused request. */
  noticed_until: string | null;
}

/** How fine a resource sample is: one sampler reading, or a rollup of a minute or an hour. */
export type SampleResolution = "raw" | "1m" | "1h";

/**
 * One container's resources at one moment (raw) or over one bucket starting at `at` (rollups: averages, with the
 * peaks in `*_max`). Counters (network, block I/O) are cumulative since the container started: the last value seen.
 */
export interface ResourceSamplesTable {
  resolution: SampleResolution;
  /** Epoch milliseconds: the reading, or the bucket's start. */
  at: number;
  tenant_id: string;
  instance_id: string;
  service: string;
  replica: number;
  /** Raw readings folded in (1 for raw). */
  samples: number;
  /** Cores in use (average); null on a container's first reading, which has no earlier one to diff against. */
  cpu_cores: number | null;
  cpu_cores_max: number | null;
  /** 0 when the container has no CPU limit. */
  cpu_limit_cores: number;
  memory_bytes: number;
  memory_bytes_max: number;
  memory_limit_bytes: number;
  network_rx_bytes: number;
  network_tx_bytes: number;
  block_read_bytes: number;
  block_write_bytes: number;
  pids: number;
}

/** The latest size of one instance volume (sampled less often than containers). */
export interface VolumeUsageTable {
  volume: string;
  tenant_id: string;
  instance_id: string;
  bytes: number;
  at: number;
}

/** Requests counted against one rate-limit budget in one fixed window (src/api/rateLimits.ts). */
export interface RateLimitsTable {
  /** The budget: `<credential>|<scope>`, e.g. `key:01J…|tenant:01J…` or `address:192.0.2.1|api`. */
  key: string;
  /** The window's start, epoch milliseconds (a multiple of the window's length). */
  window_start: number;
  count: number;
  /** The window's end, epoch milliseconds: the row is deleted once it is past. */
  expires_at: number;
}

/** A custom domain an instance answers at through the proxy (one instance per host). */
export interface InstanceDomainsTable {
  /** Lower-case, validated host name (src/domain/hostnames.ts). */
  host: string;
  instance_id: string;
  tenant_id: string;
  created_at: string;
}

/** A tenant's approval policy, set by its owners; a tenant without a row has the default (`all`). */
export interface ApprovalPoliciesTable {
  tenant_id: string;
  policy: ApprovalPolicy;
  updated_by: string;
  updated_at: string;
}

/** An action an AI actor asked for, waiting for (or past) a person's decision. */
export interface ApprovalsTable {
  id: string;
  tenant_id: string;
  /** A tool name of src/ai/intent/types.ts (`instance.deploy`). */
  tool: string;
  /** The canonical JSON (sorted keys) of the exact arguments that will run, sealed with the master key. */
  args: string;
  /** The same arguments for people to read: secret inputs replaced by `(secret)`. */
  shown_args: string;
  /** HMAC-SHA256 (master key) hex of the tool and its canonical arguments: what the decision is bound to. */
  args_hash: string;
  risk: Risk;
  /** What will happen, in plain words. */
  summary: string;
  /** JSON: the resources it adds or frees and what it does to the plan's limits. */
  impact: string;
  /** Audit actor of who asked (`user:<id>`, `key:<id>`, `cli:<name>`). */
  requested_by: string;
  requested_source: string;
  /** The conversation it was shown in, when it came from chat. */
  conversation_id: string | null;
  status: ApprovalStatus;
  decided_by: string | null;
  decided_source: string | null;
  decided_at: string | null;
  executed_at: string | null;
  finished_at: string | null;
  /** JSON: what the tool answered (never a secret). */
  result: string | null;
  error: string | null;
  created_at: string;
  expires_at: string;
}

/** One ACHEEVY conversation of one person (or key, or host user) in one tenant. */
export interface ConversationsTable {
  id: string;
  tenant_id: string;
  /** `user:<id>` for a person (their session and their keys alike), else the audit actor (`key:<id>`, `cli:<name>`). */
  owner: string;
  title: string;
  created_at: string;
  updated_at: string;
}

/** One message of a conversation: what the person said, or ACHEEVY's answer with the turn it made. */
export interface MessagesTable {
  id: string;
  conversation_id: string;
  /** Position in the conversation, from 1. */
  seq: number;
  author: "person" | "acheevy";
  text: string;
  /** JSON of ACHEEVY's turn (actions, question, approval ids); null for the person's messages. */
  turn: string | null;
  created_at: string;
}

/** An alert of an instance: `pending` while its condition has not held long enough, `firing`, then `resolved`. */
export interface AlertsTable {
  id: string;
  tenant_id: string;
  instance_id: string;
  instance_name: string;
  /** The rule (`oom_killed`, `unhealthy`, ...; domain/alerts.ts). */
  rule: string;
  /** What of the instance it is about: a container, a volume, or "" for the whole instance. */
  subject: string;
  state: "pending" | "firing" | "resolved";
  /** The sentence a person acts on. */
  reason: string;
  /** JSON: the numbers behind it. */
  data: string;
  /** When the condition was first seen. */
  since: string;
  fired_at: string | null;
  resolved_at: string | null;
  updated_at: string;
}

/** Where a tenant's alerts go: a webhook (URL + signing secret) or a Telegram chat (bot token + chat id). */
export interface AlertChannelsTable {
  id: string;
  tenant_id: string;
  kind: "webhook" | "telegram";
  name: string;
  url: string | null;
  chat_id: string | null;
  /** The webhook's signing secret or the bot token, sealed with the master key (AAD: the channel id). */
  sealed_secret: string;
  created_at: string;
  removed_at: string | null;
}

/** One message to one channel: the outbox (`pending`, due at `next_attempt_at`) and, after, its delivery log. */
export interface AlertDeliveriesTable {
  id: string;
  tenant_id: string;
  channel_id: string;
  /** Null for a test message (`aims alerts test`). */
  alert_id: string | null;
  /** `alert.firing`, `alert.resolved` or `alert.test`. */
  event: string;
  /** JSON: what is sent (never a secret). */
  payload: string;
  status: "pending" | "delivered" | "failed";
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  updated_at: string;
}

/** One stateless service's autoscaling policy and what the autoscaler last did to it (docs/autoscaling.md). */
export interface AutoscalePoliciesTable {
  tenant_id: string;
  instance_id: string;
  service: string;
  min_replicas: number;
  max_replicas: number;
  /** CPU target, % of each replica's limit. */
  cpu_percent: number;
  /** Memory target, % of the limit; null: memory does not scale. */
  memory_percent: number | null;
  /** Null: the install's `autoscale.cooldownMs`. */
  cooldown_seconds: number | null;
  /** When the autoscaler last changed (or asked to change) the count: the cooldown starts there. */
  last_scaled_at: string | null;
  /** JSON: the last decision that was not a hold (action, reason, numbers). */
  last_decision: string | null;
  /** The approval of a scale-up the autoscaler waits for (no second one while it is pending). */
  pending_approval_id: string | null;
  updated_by: string;
  updated_at: string;
}

export interface Database {
  installations: InstallationsTable;
  tenants: TenantsTable;
  instances: InstancesTable;
  instance_secrets: InstanceSecretsTable;
  allocations: AllocationsTable;
  events: EventsTable;
  audit_entries: AuditEntriesTable;
  users: UsersTable;
  members: MembersTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  idempotency_keys: IdempotencyKeysTable;
  instance_revisions: InstanceRevisionsTable;
  leases: LeasesTable;
  instance_domains: InstanceDomainsTable;
  throttles: ThrottlesTable;
  rate_limits: RateLimitsTable;
  kept_volumes: KeptVolumesTable;
  approval_policies: ApprovalPoliciesTable;
  approvals: ApprovalsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  network_pool: NetworkPoolTable;
  alerts: AlertsTable;
  alert_channels: AlertChannelsTable;
  alert_deliveries: AlertDeliveriesTable;
  resource_samples: ResourceSamplesTable;
  volume_usage: VolumeUsageTable;
  tenant_plugs: TenantPlugsTable;
  autoscale_policies: AutoscalePoliciesTable;
}

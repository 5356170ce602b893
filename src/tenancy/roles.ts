import { APPROVALS_DECIDE_SCOPE } from "../domain/approvals.js";
import { METRICS_READ_SCOPE } from "../domain/metricsQuery.js";
import type { Role } from "../store/schema.js";

export type { Role };

/** Every role, most powerful first. */
export const ROLES = ["owner", "admin", "member", "viewer"] as const satisfies readonly Role[];

/** Everything a principal may be allowed to do inside a tenant. */
export const PERMISSIONS = [
  "tenant.read",
  "tenant.delete",
  "member.read",
  "member.manage",
  "owner.manage",
  "invitation.manage",
  "key.manage",
  "instance.read",
  "instance.logs",
  "instance.deploy",
  "instance.operate",
  "instance.delete",
  "instance.scale",
  "instance.suspend",
  "instance.image",
  "event.read",
  "audit.read",
  "approval.request",
  "approval.decide",
  "approval.policy",
  "alert.read",
  "alert.manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * What a key may be narrowed to: the permissions, plus `approvals:decide`, which no role grants by itself. A key
 * approves or denies only when it was made with that scope explicitly (and its role may decide): a key narrowed
 * to nothing (scopes null) never holds it. `metrics:read` (a metrics token: /metrics with per-instance series) is the
 * same: only a platform-wide key the operator makes with it holds it.
 */
export const KEY_SCOPES = [...PERMISSIONS, APPROVALS_DECIDE_SCOPE, METRICS_READ_SCOPE] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** The permissions that only read: what a suspended tenant's people and keys may still do. */
export const READ_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  "tenant.read",
  "member.read",
  "instance.read",
  "instance.logs",
  "event.read",
  "audit.read",
  "alert.read",
]);

const viewer: Permission[] = [
  "tenant.read",
  "member.read",
  "instance.read",
  "instance.logs",
  "event.read",
  "alert.read",
];
const member: Permission[] = [
  ...viewer,
  "instance.deploy",
  "instance.operate",
  "instance.delete",
  "approval.request",
];
const admin: Permission[] = [
  ...member,
  "member.manage",
  "invitation.manage",
  "key.manage",
  "instance.scale",
  "instance.suspend",
  "instance.image",
  "audit.read",
  "approval.decide",
  "alert.manage",
];
const owner: Permission[] = [...admin, "tenant.delete", "owner.manage", "approval.policy"];

/**
 * The one permission table: what each role may do in its tenant. `approval.decide` is who may approve an
 * AI-proposed action (deploy, scale up, delete, spend); `approval.policy` who sets how much needs approval. `instance.image` is who may pin a service to another image
 * (`aims update --image`), on top of `instance.deploy`: an image is code that runs with the instance's secrets. Roles nest: each has everything of the one below.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(owner),
  admin: new Set(admin),
  member: new Set(member),
  viewer: new Set(viewer),
};

const RANK: Record<Role, number> = { owner: 4, admin: 3, member: 2, viewer: 1 };

/** True when `a` is at least as powerful as `b`. */
export function roleAtLeast(a: Role, b: Role): boolean {
  return RANK[a] >= RANK[b];
}

/** The less powerful of two roles (a key's cap never lets it exceed its user). */
export function weakerRole(a: Role, b: Role | null): Role {
  return b !== null && RANK[b] < RANK[a] ? b : a;
}

/** True when `role`, narrowed by `scopes` (null: no narrowing), allows `permission`. */
export function allows(role: Role, permission: Permission, scopes: readonly KeyScope[] | null): boolean {
  return ROLE_PERMISSIONS[role].has(permission) && (scopes === null || scopes.includes(permission));
}

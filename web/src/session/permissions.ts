import type { Role } from "../api/types";

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/**
 * What a role may do in a tenant, as the API's permission table says (src/tenancy/roles.ts, docs/api.md): the
 * dashboard shows only the actions a person may take. The API still decides; its refusals are shown as they come.
 */
export const mayRole = {
  deploy: (role: Role) => RANK[role] >= RANK.member,
  operate: (role: Role) => RANK[role] >= RANK.member,
  remove: (role: Role) => RANK[role] >= RANK.member,
  scale: (role: Role) => RANK[role] >= RANK.admin,
  suspend: (role: Role) => RANK[role] >= RANK.admin,
  manageMembers: (role: Role) => RANK[role] >= RANK.admin,
  manageKeys: (role: Role) => RANK[role] >= RANK.admin,
  readAudit: (role: Role) => RANK[role] >= RANK.admin,
  /** approval.decide: approve or deny what ACHEEVY asked to do (a signed-in person; the API still decides). */
  decide: (role: Role) => RANK[role] >= RANK.admin,
  /** The roles a person may hand out: never above their own, owner only by owners. */
  assignable: (role: Role): Role[] =>
    (["owner", "admin", "member", "viewer"] as Role[]).filter((r) => RANK[r] <= RANK[role]),
};

import { describe, expect, it } from "vitest";
import { allows, PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleAtLeast, weakerRole } from "./roles.js";

describe("the permission table", () => {
  it("nests roles: each has everything of the role below it", () => {
    for (let i = 1; i < ROLES.length; i++)
      for (const p of ROLE_PERMISSIONS[ROLES[i]!])
        expect(ROLE_PERMISSIONS[ROLES[i - 1]!].has(p), `${ROLES[i - 1]} ${p}`).toBe(true);
  });

  it("names only known permissions and gives the owner all of them", () => {
    expect([...ROLE_PERMISSIONS.owner].sort()).toEqual([...PERMISSIONS].sort());
  });

  it("lets only admins and owners decide approvals", () => {
    expect(ROLES.filter((r) => ROLE_PERMISSIONS[r].has("approval.decide"))).toEqual(["owner", "admin"]);
  });

  it("lets only admins and owners pin images (members may deploy and update, not choose what code runs)", () => {
    expect(ROLES.filter((r) => ROLE_PERMISSIONS[r].has("instance.image"))).toEqual(["owner", "admin"]);
  });

  it("caps a role and narrows by scopes", () => {
    expect(weakerRole("owner", "viewer")).toBe("viewer");
    expect(weakerRole("viewer", "owner")).toBe("viewer");
    expect(weakerRole("admin", null)).toBe("admin");
    expect(roleAtLeast("admin", "member")).toBe(true);
    expect(roleAtLeast("member", "admin")).toBe(false);
    expect(allows("owner", "instance.delete", ["instance.read"])).toBe(false);
    expect(allows("viewer", "instance.delete", ["instance.delete"])).toBe(false);
    expect(allows("member", "instance.delete", null)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { assertTenantRuns, suspendedMessage, tenantRefusal } from "./tenantStatus.js";

const acme = (status: "active" | "suspended" | "deleted") => ({ name: "acme", status });

describe("what a tenant's status allows", () => {
  it("lets everyone read and change an active tenant", () => {
    for (const operator of [true, false])
      for (const access of ["read", "change"] as const)
        expect(tenantRefusal(acme("active"), access, operator)).toBeUndefined();
    expect(() => assertTenantRuns(acme("active"))).not.toThrow();
  });

  it("leaves a suspended tenant's people and keys reads only (403), the operator everything", () => {
    expect(tenantRefusal(acme("suspended"), "read", false)).toBeUndefined();
    expect(tenantRefusal(acme("suspended"), "change", false)).toMatchObject({
      code: "forbidden",
      status: 403,
      message: "tenant acme is suspended by the operator: reads only until it is resumed",
    });
    expect(suspendedMessage("acme")).toMatch(/reads only until it is resumed/);
    expect(tenantRefusal(acme("suspended"), "change", true)).toBeUndefined();
  });

  it("runs nothing in a suspended tenant, for the operator either: the way back is the tenant's resume", () => {
    expect(() => assertTenantRuns(acme("suspended"))).toThrow(/`aims tenant resume acme`/);
  });

  it("hides a deleted tenant from its people (404) and shows the operator its history, changing nothing", () => {
    expect(tenantRefusal(acme("deleted"), "read", false)).toMatchObject({ code: "not_found" });
    expect(tenantRefusal(acme("deleted"), "change", false)).toMatchObject({ code: "not_found" });
    expect(tenantRefusal(acme("deleted"), "read", true)).toBeUndefined();
    expect(tenantRefusal(acme("deleted"), "change", true)).toMatchObject({ code: "conflict" });
    expect(() => assertTenantRuns(acme("deleted"))).toThrow(/was deleted; its name stays with its history/);
  });
});

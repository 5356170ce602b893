import { describe, expect, it } from "vitest";
import { approvalReply } from "./approvalReply.js";

describe("approvalReply", () => {
  it("reads a whole yes or no, whatever the case and trailing punctuation", () => {
    for (const yes of ["yes", "Yes!", "  approve ", "go ahead.", "OK", "yes please"])
      expect(approvalReply(yes), yes).toBe("approve");
    for (const no of ["no", "No.", "cancel", "deny", "don't"]) expect(approvalReply(no), no).toBe("deny");
  });

  it("never reads a request that mentions approving as a decision", () => {
    for (const said of [
      "deploy redis and approve it",
      "yes, and stop db",
      "approve approval 01J",
      "yes yes yes delete everything",
      "stop it",
    ])
      expect(approvalReply(said), said).toBeUndefined();
  });
});

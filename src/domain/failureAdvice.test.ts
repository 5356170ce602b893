import { describe, expect, it } from "vitest";
import { explainFailure } from "./failureAdvice.js";

const at = "2026-01-01T10:00:00.000Z";

describe("explainFailure", () => {
  it("names an out-of-memory kill with its evidence and says to give it more memory", () => {
    const e = explainFailure(
      "automation",
      "failed",
      {
        at,
        revision: 2,
        what: "container n8n-1",
        reason: "container exited with code 137 (killed: out of memory — raise the memory limit)",
        exitCode: 137,
        oomKilled: true,
        logLines: ["allocating", "heap"],
      },
      64 * 1024 ** 2,
    );
    expect(e.what).toMatch(/^container n8n-1 failed \(revision 2, 2026-01-01 10:00:00\)/);
    expect(e.evidence).toEqual([
      "exit code 137",
      "killed by the kernel: out of memory",
      "last log lines: allocating | heap",
    ]);
    expect(e.next[0]).toBe(
      'give it more memory: "give automation 128m" (an update, rolled back if it fails)',
    );
  });

  it("sends a failed health check to the logs, and an exit with an error to the inputs", () => {
    const health = explainFailure(
      "web",
      "failed",
      { at, revision: 1, what: "start of web-1", reason: "web-1 did not become healthy within 60 s" },
      undefined,
    );
    expect(health.next[0]).toMatch(/did not pass its health check in time: look at "logs of web"/);
    const exit = explainFailure(
      "api",
      "failed",
      {
        at,
        revision: 3,
        what: "container api-1",
        reason: "container exited with code 1",
        exitCode: 1,
        oomKilled: false,
        logLines: ["missing DATABASE_URL"],
      },
      256 * 1024 ** 2,
    );
    expect(exit.next[0]).toMatch(/stopped with an error: read the log lines, fix its inputs/);
    expect(exit.evidence).toContain("last log lines: missing DATABASE_URL");
  });

  it("says plainly when nothing failed", () => {
    expect(explainFailure("web", "ready", null, undefined)).toEqual({
      what: "web has no recorded failure; it is ready.",
      evidence: [],
      next: [],
    });
  });
});

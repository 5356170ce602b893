import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";

let f: ApiFixture;
const dir = mkdtempSync(join(tmpdir(), "aims-standards-"));
beforeAll(async () => {
  f = await createApiFixture();
});
afterAll(async () => {
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("public surfaces pass the tools their users run", () => {
  it("/metrics passes `promtool check metrics` with nothing to say", async () => {
    // Some traffic first, so histograms and counters have samples.
    for (const url of ["/healthz", "/readyz", "/v1/plugs", "/v1/nothing"]) await f.call("GET", url);
    const body = (await f.call("GET", "/metrics")).body;
    expect(body).toMatch(/^process_cpu_user_seconds_total /m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(body).toMatch(/^aims_http_request_duration_seconds_bucket\{/m);
    expect(body).toMatch(/^nodejs_active_handles\{type="/m);
    // promtool reads the exposition from stdin.
    const piped = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
    expect(`${piped.stdout}${piped.stderr}`.trim()).toBe("");
    expect(piped.status).toBe(0);
  });

  it("/openapi.json passes `redocly lint` (recommended rules) with no error and no warning", async () => {
    const file = join(dir, "openapi.json");
    writeFileSync(file, (await f.call("GET", "/openapi.json")).body);
    // Run from the temp dir, so no redocly.yaml of anyone's can change the rules; offline, no telemetry.
    const lint = spawnSync(REDOCLY, ["lint", "--format=json", file], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      timeout: 60_000,
    });
    let report: LintReport;
    try {
      report = JSON.parse(lint.stdout) as LintReport;
    } catch {
      throw new Error(`redocly printed no report (exit ${lint.status}):\n${lint.stdout}${lint.stderr}`);
    }
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} at ${p.location.map((l) => l.pointer).join(", ")}: ${p.message}`,
    );
    expect(problems.join("\n"), "redocly lint problems").toBe("");
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(lint.status).toBe(0);
  });
});

const REDOCLY = join(import.meta.dirname, "../node_modules/.bin/redocly");

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{
    ruleId: string;
    severity: string;
    message: string;
    location: Array<{ pointer: string }>;
  }>;
}

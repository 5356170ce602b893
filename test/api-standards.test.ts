import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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
});

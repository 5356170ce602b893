import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, type TestInstall } from "./support/aimsCli.js";
import { launchBrowser, seriousViolations } from "./support/browser.js";
import { ensureDashboardBuilt, firstSignIn, signIn } from "./support/dashboardFlows.js";
import { psOne } from "./support/instances.js";
import { type ServeProcess, startServe } from "./support/serveProcess.js";
import { openSse } from "./support/sseClient.js";

/**
 * Resource samples on a real engine (issue 19): `aims serve` samples a plug that burns its CPU limit and holds most
 * of its memory; `aims stats` and the metrics API show it, network counters move when it is called, and /metrics
 * names tenants and instances only to a metrics token. The dashboard's Monitor tab draws it (a browser, at the end).
 */
const CATALOG = resolve(import.meta.dirname, "fixtures/monitor-catalog");
let install: TestInstall;
let serve: ServeProcess;
let operatorKey: string;

interface StatsRow {
  instance: string;
  service: string;
  replica: number;
  cpuPercent: number | null;
  memoryPercent: number | null;
  networkRxBytes: number;
  networkTxBytes: number;
}

beforeAll(async () => {
  ensureDashboardBuilt();
  install = await createTestInstall("58000-58049", {
    AIMS_CATALOG_DIRS: CATALOG,
    AIMS_PROXY: "off",
    AIMS_MONITOR_INTERVAL_MS: "1000",
    AIMS_API_SECURE_COOKIES: "false",
  });
  await install.json(["deploy", "cpu-burner", "--tenant", "acme", "--name", "burn", "--no-input"]);
  serve = await startServe(install);
  operatorKey = readFileSync(join(install.dataDir, "operator.key"), "utf8").trim();
}, 300_000);
afterAll(async () => {
  await serve?.stop();
  await install?.cleanup();
});

const api = async (
  path: string,
  init: { key?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
) => {
  const res = await fetch(`${serve.apiUrl}${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
};

/** Polls `aims stats --json` until `ready` holds for its rows (the sampler needs two passes for a CPU figure). */
async function statsUntil(ready: (rows: StatsRow[]) => boolean): Promise<StatsRow[]> {
  let rows: StatsRow[] = [];
  for (let i = 0; i < 60; i++) {
    rows = await install.json<StatsRow[]>(["stats", "burn", "--tenant", "acme", "--json"]);
    if (ready(rows)) return rows;
    await sleep(500);
  }
  return rows;
}

describe("resource samples", () => {
  it("aims stats shows the busy loop above 80% of its CPU limit and memory near its limit", async () => {
    const rows = await statsUntil((r) => r.some((row) => row.cpuPercent !== null));
    expect(rows).toHaveLength(1);
    const [web] = rows;
    expect(web).toMatchObject({ instance: "burn", service: "web", replica: 1 });
    // The first CPU figure (the second pass) already shows the loop: a figure, not a wait for one.
    expect(web!.cpuPercent).toBeGreaterThan(80);
    // 50 MiB held in /dev/shm of a 64 MiB limit.
    expect(web!.memoryPercent).toBeGreaterThan(70);
    // Remote mode reads the same through the API.
    const remote = await install.json<StatsRow[]>(["stats", "burn", "--tenant", "acme", "--json"], {
      AIMS_URL: serve.apiUrl,
      AIMS_API_KEY: operatorKey,
    });
    expect(remote.map((r) => [r.instance, r.service, r.replica])).toEqual([["burn", "web", 1]]);
    const table = await install.run(["stats", "burn", "--tenant", "acme"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^INSTANCE\s+SERVICE\s+REPLICA\s+CPU %/);
    expect(table.stdout).toMatch(/burn\s+web\s+1\s+\d+\.\d%/);
  });

  it("the metrics API shows the same, and its network counters move when the plug is called", async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const read = async () => {
      const res = await api(`/v1/tenants/acme/instances/burn/metrics?from=${encodeURIComponent(from)}`, {
        key: operatorKey,
      });
      expect(res.status).toBe(200);
      return JSON.parse(res.text) as {
        resolution: string;
        volumes: Array<{ volume: string; bytes: number }>;
        series: Array<{
          service: string;
          points: Array<{ cpuPercent: number | null; networkRxBytes: number; networkTxBytes: number }>;
        }>;
      };
    };
    const before = await read();
    expect(before.resolution).toBe("raw");
    // The volume's size, from the first pass's disk-usage call.
    expect(before.volumes).toEqual([expect.objectContaining({ bytes: expect.any(Number) })]);
    expect(before.series.map((s) => s.service)).toEqual(["web"]);
    const points = before.series[0]!.points;
    const withCpu = points.filter((p) => p.cpuPercent !== null);
    expect(withCpu.at(-1)!.cpuPercent).toBeGreaterThan(80);
    const last = points.at(-1)!;

    const instance = await psOne(install, "acme", "burn");
    const port = instance!.ports.find((p) => p.service === "web")!.hostPort;
    for (let i = 0; i < 20; i++) expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);

    let newest = last;
    for (let i = 0; i < 40 && newest.networkTxBytes <= last.networkTxBytes; i++) {
      await sleep(500);
      newest = (await read()).series[0]!.points.at(-1)!;
    }
    expect(newest.networkRxBytes).toBeGreaterThan(last.networkRxBytes);
    expect(newest.networkTxBytes).toBeGreaterThan(last.networkTxBytes);
  });

  it("streams live samples over SSE", async () => {
    const sse = openSse(`${serve.apiUrl}/v1/tenants/acme/instances/burn/metrics`, {
      authorization: `Bearer ${operatorKey}`,
    });
    try {
      expect(await sse.status).toBe(200);
      const [first] = await sse.waitFor(1, 20_000);
      expect(first!.event).toBe("sample");
      expect(JSON.parse(first!.data)).toMatchObject({ service: "web", replica: 1, cpuLimitCores: 0.05 });
    } finally {
      sse.close();
    }
  });

  it("suggests more CPU and memory for a plug that uses all of both", async () => {
    const [web] = await install.json<
      Array<{ instance: string; service: string; cpu: number; memory: number }>
    >(["stats", "--recommend", "--tenant", "acme", "--json"]);
    expect(web).toMatchObject({ instance: "burn", service: "web" });
    expect(web!.cpu).toBeGreaterThan(0.05);
    expect(web!.memory).toBeGreaterThan(64 * 1024 * 1024);
  });

  it("refuses a bad request with a message and exit 2", async () => {
    const bad = await api("/v1/tenants/acme/instances/burn/metrics?from=yesterday", { key: operatorKey });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/from/);
    const wide = await api("/v1/tenants/acme/instances/burn/metrics?from=2026-01-01T00:00:00Z&step=1", {
      key: operatorKey,
    });
    expect(wide.status).toBe(400);
    expect(wide.text).toMatch(/step of at least/);
    const cli = await install.run(["stats", "burn", "--tenant", "acme", "--follow", "--recommend"]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--follow and --recommend/);
    const missing = await install.run(["stats", "nosuch", "--tenant", "acme"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no instance nosuch/);
  });
});

describe("/metrics and the metrics token", () => {
  it("names no tenant or instance without a metrics token, and does with one", async () => {
    const names = /acme|burn|aims_instance_/;
    const anonymous = await api("/metrics");
    expect(anonymous.status).toBe(200);
    expect(anonymous.text).toMatch(/aims_sample_pass_duration_seconds/);
    expect(anonymous.text).not.toMatch(names);
    // The operator key itself is not a metrics token: the scope must be asked for.
    expect((await api("/metrics", { key: operatorKey })).text).not.toMatch(names);

    const { email, password } = firstSignIn(serve.signInFile);
    const signedIn = await api("/v1/sessions", { method: "POST", body: { email, password } });
    expect(signedIn.status).toBe(201);
    const cookie = /aims_session=([^;]+)/.exec(signedIn.headers.get("set-cookie") ?? "")![1]!;
    const session = { cookie: `aims_session=${cookie}`, "x-csrf-token": JSON.parse(signedIn.text).csrfToken };
    const made = await api("/v1/keys", {
      method: "POST",
      headers: session,
      body: { name: "prometheus", scopes: ["metrics:read"] },
    });
    expect(made.status).toBe(201);
    const token = JSON.parse(made.text).key as string;

    let scraped = "";
    for (let i = 0; i < 20 && !scraped.includes("aims_instance_cpu_cores{"); i++) {
      scraped = (await api("/metrics", { key: token })).text;
      if (!scraped.includes("aims_instance_cpu_cores{")) await sleep(500);
    }
    expect(scraped).toMatch(/aims_instance_cpu_cores\{tenant="acme",instance="burn",service="web"\} 0\.\d+/);
    expect(scraped).toMatch(
      /aims_instance_memory_limit_bytes\{tenant="acme",instance="burn",service="web"\} 67108864/,
    );
    expect(scraped).toMatch(
      /aims_instance_network_receive_bytes_total\{tenant="acme",instance="burn",service="web"\} \d+/,
    );
    const promtool = spawnSync("promtool", ["check", "metrics"], { input: scraped, encoding: "utf8" });
    if (!promtool.error) expect(promtool.stdout + promtool.stderr).toBe("");

    // A metrics token reads /metrics and nothing else.
    expect((await api("/v1/tenants/acme/instances/burn/metrics", { key: token })).status).toBe(403);
  });

  it("lets only the operator make a metrics token", async () => {
    const created = await api("/v1/users", {
      method: "POST",
      key: operatorKey,
      body: { email: "ada@example.com", password: "correct horse battery staple" },
    });
    expect(created.status).toBe(201);
    const signedIn = await api("/v1/sessions", {
      method: "POST",
      body: { email: "ada@example.com", password: "correct horse battery staple" },
    });
    const cookie = /aims_session=([^;]+)/.exec(signedIn.headers.get("set-cookie") ?? "")![1]!;
    const refused = await api("/v1/keys", {
      method: "POST",
      headers: { cookie: `aims_session=${cookie}`, "x-csrf-token": JSON.parse(signedIn.text).csrfToken },
      body: { name: "sneaky", scopes: ["metrics:read"] },
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/only the operator may make a metrics token/);
  });
});

describe("the dashboard's Monitor tab", () => {
  it("shows the instance's CPU against its limit, live, with a chart per figure", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${serve.dashboardUrl}t/acme/instances/burn`);
      await page.waitForURL(/\/sign-in/);
      const { email, password } = firstSignIn(serve.signInFile);
      await signIn(page, email, password);
      await page.waitForURL((url) => !url.pathname.endsWith("/sign-in"));
      await page.goto(`${serve.dashboardUrl}t/acme/instances/burn`);
      await page.getByRole("tab", { name: "Monitor" }).click();
      const row = page.locator('tr[data-service="web"][data-replica="1"]');
      await row.waitFor({ timeout: 30_000 });
      expect(
        Number(await row.locator("[data-cpu-percent]").getAttribute("data-cpu-percent")),
      ).toBeGreaterThan(80);
      expect(await row.textContent()).toMatch(/of 64 MiB/);
      for (const chart of ["CPU, % of limit", "Memory, MiB", "Network, KiB/s"])
        await page.getByRole("img", { name: chart }).locator("canvas").waitFor();
      expect(await seriousViolations(page), "axe on the Monitor tab").toEqual([]);
      expect(browser.errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

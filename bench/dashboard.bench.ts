import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestInstall } from "../test/support/aimsCli.js";
import { launchBrowser } from "../test/support/browser.js";
import {
  deployFromCatalog,
  ensureDashboardBuilt,
  firstSignIn,
  signIn,
} from "../test/support/dashboardFlows.js";
import { startServe } from "../test/support/serveProcess.js";
import { line } from "./stats.js";
import { summarizeTimings } from "./summary.js";

/** What the first page of the dashboard loads, gzipped (written by scripts/compress-web.mjs at build). */
function firstPageSize(): string {
  const size = JSON.parse(readFileSync(join(import.meta.dirname, "../dist/web-size.json"), "utf8")) as {
    firstPageGzipBytes: number;
    files: Array<{ path: string; gz: number }>;
  };
  const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  return `dashboard first page: ${kB(size.firstPageGzipBytes)} gzipped (goal < 300 kB): ${size.files.map((f) => `${f.path} ${kB(f.gz)}`).join(", ")}`;
}

/**
 * A newcomer in the dashboard, scripted, `runs` times on a fresh install each (so each is a first sign-in): from
 * the URL `aims serve` printed to a deployed static-site answering through AIMS's proxy. Times: signed in (the
 * sign-in file read, the form sent, the welcome page shown), a tenant made and the catalog shown, the deploy
 * (form to ready, with its defaults), and the whole run until the plug's URL answered 200 in the browser. The
 * plug's image is built once, before the first timed run. Host ports 54700-54799.
 */
export async function benchDashboard(runs: number): Promise<string[]> {
  ensureDashboardBuilt();
  const t = { signIn: [] as number[], tenant: [] as number[], deploy: [] as number[], total: [] as number[] };
  for (let run = -1; run < runs; run++) {
    const install = await createTestInstall("54700-54799");
    const serve = await startServe(install);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const start = performance.now();
      await page.goto(serve.dashboardUrl);
      await page.waitForURL(/sign-in/);
      const { email, password } = firstSignIn(serve.signInFile);
      await signIn(page, email, password);
      await page.getByRole("heading", { name: "Welcome to Deploy Dock" }).waitFor();
      const signedIn = performance.now();
      await page.getByLabel("Tenant name").fill("acme");
      await page.getByRole("button", { name: "Create tenant" }).click();
      await page.locator('[data-plug="static-site"]').waitFor();
      const tenant = performance.now();
      await deployFromCatalog(page, { id: "static-site", name: "Static site" }, "web", {});
      await page.locator("[data-ready]").waitFor({ timeout: 300_000 });
      const deployed = performance.now();
      const url = await page.locator("[data-ready] [data-instance-url]").first().getAttribute("href");
      const site = await browser.newPage();
      const answer = await site.goto(url ?? "");
      if (answer?.status() !== 200) throw new Error(`${url} answered ${answer?.status()}`);
      const reachable = performance.now();
      // The first run builds the plug's image (once per host); it is not timed.
      if (run >= 0) {
        t.signIn.push(signedIn - start);
        t.tenant.push(tenant - signedIn);
        t.deploy.push(deployed - tenant);
        t.total.push(reachable - start);
      }
    } finally {
      await browser.close();
      await serve.stop();
      await install.cleanup();
    }
  }
  summarizeTimings("dashboard newcomer: printed URL to plug answering", t.total);
  return [
    firstPageSize(),
    `newcomer in the dashboard, from the printed URL to a reachable plug (${runs} fresh installs):`,
    line("  signed in (first sign-in)", t.signIn),
    line("  tenant made, catalog shown", t.tenant),
    line("  deploy form to ready", t.deploy),
    line("  printed URL to plug answering", t.total),
  ];
}

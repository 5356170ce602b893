// `npm run screenshots`: a screenshot of each page of the dashboard into docs/images/, taken from a real
// `aims serve` on the real engine (a throw-away install, host ports 54600-54699), as README and docs/dashboard.md
// show them. Run after `npm run build` (the npm script does it first).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createTestInstall } from "../test/support/aimsCli.js";
import { launchBrowser } from "../test/support/browser.js";
import {
  deployFromCatalog,
  ensureDashboardBuilt,
  firstSignIn,
  signIn,
} from "../test/support/dashboardFlows.js";
import { startServe } from "../test/support/serveProcess.js";

const out = join(import.meta.dirname, "../docs/images");
mkdirSync(out, { recursive: true });

ensureDashboardBuilt();
const install = await createTestInstall("54600-54699");
const serve = await startServe(install);
const browser = await launchBrowser({ width: 1280, height: 800 });
const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(out, `dashboard-${name}.png`) });
  process.stdout.write(`docs/images/dashboard-${name}.png\n`);
};
try {
  const page = await browser.newPage();
  const url = serve.dashboardUrl;
  await page.goto(url);
  await page.waitForURL(/sign-in/);
  await shot(page, "sign-in");
  const { email, password } = firstSignIn(serve.signInFile);
  await signIn(page, email, password);
  await page.getByLabel("Tenant name").fill("acme");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await page.locator('[data-plug="static-site"]').waitFor();
  await shot(page, "catalog");

  await page.locator('[data-plug="static-site"]').click();
  await page.getByRole("heading", { name: "Static site" }).waitFor();
  await shot(page, "plug");
  await page.getByRole("link", { name: "Deploy Static site" }).click();
  await page.getByLabel("Instance name").fill("web");
  await page.getByLabel("What title should the site show?").fill("Acme's site");
  await page.getByRole("button", { name: "Preview the plan" }).click();
  await page.locator("[data-plan]").waitFor();
  await shot(page, "deploy");
  await page.getByRole("link", { name: "Catalog" }).click();
  await deployFromCatalog(page, { id: "static-site", name: "Static site" }, "web", {
    "What title should the site show?": "Acme's site",
  });
  await page.locator("[data-ready]").waitFor({ timeout: 180_000 });
  await shot(page, "deployed");

  // A second instance, so the list has more than one row.
  await page.getByRole("link", { name: "Catalog" }).click();
  await deployFromCatalog(page, { id: "static-site", name: "Static site" }, "docs", {
    "What title should the site show?": "Acme docs",
  });
  await page.locator("[data-ready]").waitFor({ timeout: 180_000 });
  const site = await browser.newPage();
  for (const path of ["", "cgi-bin/info", "cgi-bin/info?x=1"])
    await site.goto(`http://web.acme.localhost:${install.proxyPort}/${path}`);
  await site.close();
  await install.run(["stop", "docs", "--tenant", "acme"]);

  await page.getByRole("link", { name: "Instances", exact: true }).click();
  await page.locator('[data-instance="docs"]').getByText("stopped").waitFor();
  await shot(page, "instances");
  await page.locator('[data-instance="web"]').getByRole("link", { name: "web", exact: true }).click();
  await page.locator("[data-logs]").getByText("GET /cgi-bin/info").first().waitFor();
  await shot(page, "instance");
  await page.getByRole("tab", { name: "History" }).click();
  await page.locator('[data-revision="1"]').waitFor();
  await shot(page, "history");

  await page.getByRole("link", { name: "Members" }).click();
  await page.getByLabel("Email").fill("grace@example.com");
  await page.getByRole("button", { name: "Invite" }).click();
  await page.locator("[data-shown-once]").waitFor();
  await shot(page, "members");
  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await page.locator("[data-audit]").first().waitFor();
  await shot(page, "audit");
  await page.getByRole("link", { name: "Account and keys" }).click();
  await page.getByLabel("Key name").fill("laptop");
  await page.getByRole("button", { name: "Create key" }).click();
  await page.locator('[data-key="laptop"]').waitFor();
  await shot(page, "account");

  // ACHEEVY: a request, its approval card, the inbox; then the operator's pages.
  await page.getByRole("button", { name: "ACHEEVY" }).click();
  const chat = page.getByRole("dialog", { name: "ACHEEVY in acme" });
  await chat.getByLabel("Message to ACHEEVY").fill("deploy the static site as blog");
  await chat.getByRole("button", { name: "Send" }).click();
  await chat.locator('[data-approval][data-approval-status="pending"]').waitFor({ timeout: 30_000 });
  await shot(page, "acheevy");
  await page.keyboard.press("Escape");
  await page.goto(`${url}t/acme/approvals`);
  await page.locator('[data-approvals] [data-approval-status="pending"]').waitFor();
  await shot(page, "approvals");
  await page.goto(`${url}t/acme/plan`);
  await page.locator('[data-usage="instances"]').waitFor();
  await shot(page, "plan");
  await page.goto(`${url}admin/tenants`);
  await page.locator('[data-admin-tenant="acme"]').waitFor();
  await shot(page, "admin-tenants");
  await page.goto(`${url}admin/plans`);
  await page.locator('[data-plan-row="starter"]').waitFor();
  await shot(page, "admin-plans");

  // Dark, as the system says, and at phone width.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(`${url}t/acme/instances/web`);
  await page.locator("[data-logs]").getByText("GET /cgi-bin/info").first().waitFor();
  await shot(page, "instance-dark");
  await page.setViewportSize({ width: 390, height: 780 });
  await page.goto(`${url}t/acme/instances`);
  await page.locator('[data-instance="web"]').waitFor();
  await shot(page, "phone");
} finally {
  await browser.close();
  await serve.stop();
  await install.cleanup();
}

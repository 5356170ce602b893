import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, type TestInstall } from "./support/aimsCli.js";
import { launchBrowser, seriousViolations, type TestBrowser } from "./support/browser.js";
import { ensureDashboardBuilt, firstSignIn, signIn } from "./support/dashboardFlows.js";
import { type ServeProcess, startServe } from "./support/serveProcess.js";

// Deploy Dock's ACHEEVY panel, approvals inbox and operator admin pages in a real browser (Debian's Chromium
// through playwright-core) against a real `aims serve` on the real engine. Host ports 55300-55399 are this file's.

let install: TestInstall;
let serve: ServeProcess;
let browser: TestBrowser;
let page: Page;

/** axe-core on the page as it is now: no serious or critical violation. */
async function accessible(name: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

const chat = () => page.getByRole("dialog", { name: "ACHEEVY in acme" });

beforeAll(async () => {
  ensureDashboardBuilt();
  install = await createTestInstall("55300-55399");
  // A starter plan that allows no instance at all: moving acme onto it is refused, then forced.
  writeFileSync(
    join(install.dataDir, "config.yaml"),
    "plans:\n  starter:\n    limits:\n      instances: 0\n",
  );
  serve = await startServe(install);
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(serve.dashboardUrl);
  await page.waitForURL(/\/sign-in$/);
  const { email, password } = firstSignIn(serve.signInFile);
  await signIn(page, email, password);
  await page.getByLabel("Tenant name").fill("acme");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await page.waitForURL(/\/t\/acme\/catalog$/);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await install?.cleanup();
});

describe("ACHEEVY and the operator in Deploy Dock", () => {
  it("asks ACHEEVY to deploy, shows the approval card, keeps the conversation across pages and the inbox", async () => {
    await page.getByRole("button", { name: "ACHEEVY" }).click();
    await chat().getByLabel("Message to ACHEEVY").fill("deploy the static site as web2");
    await chat().getByRole("button", { name: "Send" }).click();
    const card = chat().locator('[data-approval][data-approval-status="pending"]');
    await card.waitFor({ timeout: 30_000 });
    // The card says exactly what will happen, and nothing has happened yet.
    expect(await card.locator("[data-summary]").textContent()).toMatch(/static-site.*web2/);
    await chat()
      .locator('[data-tool-call="instance.deploy"][data-tool-status="awaiting_approval"]')
      .waitFor();
    expect(await install.json(["ps", "--tenant", "acme"])).toEqual([]);
    await accessible("ACHEEVY panel with an approval card");

    // Another page: the inbox lists it as pending; the panel, opened again, still holds the conversation.
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "Approvals" }).click();
    await page.waitForURL(/\/t\/acme\/approvals$/);
    await page.locator('[data-approvals] [data-approval-status="pending"]').waitFor();
    await accessible("approvals inbox");
    await page.getByRole("button", { name: "ACHEEVY" }).click();
    await chat().locator("[data-summary]").filter({ hasText: "web2" }).waitFor();

    // A new conversation starts empty; the previous ones are listed, and opening one shows it again.
    await chat().getByRole("button", { name: "New conversation" }).click();
    expect(await chat().locator("[data-summary]").count()).toBe(0);
    await chat().getByLabel("Previous conversations").click();
    await page.getByRole("option", { name: /deploy the static site as web2/ }).click();
    await chat()
      .locator('[data-approval-status="pending"] [data-summary]')
      .filter({ hasText: "web2" })
      .waitFor();
  });

  it("approves the card, which deploys the instance until it is ready", async () => {
    const card = chat().locator("[data-approval]").first();
    await card.getByRole("button", { name: "Approve" }).click();
    await chat().locator('[data-approval-status="done"]').waitFor({ timeout: 120_000 });
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "Instances" }).click();
    await page.locator('[data-instance="web2"] [data-state="ready"]').waitFor({ timeout: 30_000 });
    const rows = (await install.json(["ps", "--tenant", "acme"])) as Array<{ name: string; state: string }>;
    expect(rows.map((r) => [r.name, r.state])).toEqual([["web2", "ready"]]);
    // Decided, it left the pending inbox.
    await page.getByRole("link", { name: "Approvals" }).click();
    await page.getByText("No pending approvals").waitFor();
  });

  it("lets the operator suspend and resume the tenant from the admin page, and lists the plans", async () => {
    await page.getByRole("link", { name: "Tenants" }).click();
    await page.waitForURL(/\/admin\/tenants$/);
    const row = page.locator('[data-admin-tenant="acme"]');
    await row.waitFor();
    await accessible("operator tenants");
    await row.getByRole("button", { name: "Suspend" }).click();
    await page.getByRole("dialog").getByText("its people may only read").waitFor();
    await accessible("suspend confirmation");
    await page.getByRole("dialog").getByRole("button", { name: "Suspend acme" }).click();
    await page
      .locator('[data-admin-tenant="acme"][data-tenant-status="suspended"]')
      .waitFor({ timeout: 60_000 });
    const suspended = (await install.json(["ps", "--tenant", "acme"])) as Array<{ state: string }>;
    expect(suspended.map((r) => r.state)).toEqual(["suspended"]);

    await page.locator('[data-admin-tenant="acme"]').getByRole("button", { name: "Resume" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Resume acme" }).click();
    await page
      .locator('[data-admin-tenant="acme"][data-tenant-status="active"]')
      .waitFor({ timeout: 120_000 });
    const resumed = (await install.json(["ps", "--tenant", "acme"])) as Array<{ state: string }>;
    expect(resumed.map((r) => r.state)).toEqual(["ready"]);

    // A plan change within the new plan's limits is made at once.
    await page.getByLabel("Plan of acme").selectOption("business");
    await page.locator('[data-admin-tenant="acme"]').getByRole("button", { name: "Change plan" }).click();
    await expect
      .poll(
        async () =>
          ((await install.json(["tenant", "list"])) as Array<{ name: string; plan: string }>).find(
            (t) => t.name === "acme",
          )?.plan,
      )
      .toBe("business");

    await page.getByRole("link", { name: "Plans" }).click();
    await page.locator('[data-plan-row="starter"]').waitFor();
    await accessible("plans");
  });

  it("shows a member the approval card without Approve or Deny, and the operator denies it from the inbox", async () => {
    const operator = {
      authorization: `Bearer ${readFileSync(join(install.dataDir, "operator.key"), "utf8").trim()}`,
    };
    const invited = await fetch(`${serve.apiUrl}/v1/tenants/acme/invitations`, {
      method: "POST",
      headers: { ...operator, "content-type": "application/json" },
      body: JSON.stringify({ email: "mia@example.com", role: "member" }),
    });
    expect(invited.status).toBe(201);
    const { token } = (await invited.json()) as { token: string };
    const accepted = await fetch(`${serve.apiUrl}/v1/invitations/accept`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, password: "mia's own long passphrase" }),
    });
    expect(accepted.status).toBe(200);

    const other = await launchBrowser();
    try {
      const mia = await other.newPage();
      await mia.goto(serve.dashboardUrl);
      await signIn(mia, "mia@example.com", "mia's own long passphrase");
      await mia.waitForURL(/\/t\/acme\/instances$/);
      await mia.getByRole("button", { name: "ACHEEVY" }).click();
      const panel = mia.getByRole("dialog", { name: "ACHEEVY in acme" });
      await panel.getByLabel("Message to ACHEEVY").fill("deploy the static site as mias");
      await panel.getByRole("button", { name: "Send" }).click();
      const card = panel.locator('[data-approval][data-approval-status="pending"]');
      await card.waitFor({ timeout: 30_000 });
      // A member may ask, not decide: the card says who decides, and offers no button that would be refused.
      await card.getByText("An admin or owner of acme decides this.").waitFor();
      expect(await card.getByRole("button", { name: /Approve|Deny/ }).count()).toBe(0);
      expect(await card.locator("[data-requested-by]").textContent()).toBe("mia@example.com");
      expect(await seriousViolations(mia), "axe on a member's approval card").toEqual([]);
      expect(other.errors).toEqual([]);
    } finally {
      await other.close();
    }

    // The operator sees who asked, in words, and denies it: nothing is deployed.
    await page.goto(`${serve.dashboardUrl}t/acme/approvals`);
    const pending = page.locator('[data-approvals] [data-approval-status="pending"]');
    await pending.waitFor();
    expect(await pending.locator("[data-requested-by]").textContent()).toBe("mia@example.com");
    const id = await pending.getAttribute("data-approval");
    await pending.getByRole("button", { name: "Deny" }).click();
    // The card shows the outcome in place, with who decided, in words.
    const decided = page.locator(`[data-approval="${id}"][data-approval-status="denied"]`);
    await decided.getByText("decided by operator@aims.localhost").waitFor();
    const rows = (await install.json(["ps", "--tenant", "acme"])) as Array<{ name: string }>;
    expect(rows.map((r) => r.name)).toEqual(["web2"]);
  });

  it("shows the tenant its plan and usage, and lets its owner choose what waits for approval", async () => {
    await page.goto(`${serve.dashboardUrl}t/acme/instances`);
    await page.getByRole("link", { name: "Plan and usage" }).click();
    await page.waitForURL(/\/t\/acme\/plan$/);
    await page.locator('[data-usage="instances"]').getByText("1 of 25").waitFor();
    await accessible("plan and usage");
    await page.locator('[data-policy-choice="risky"]').check();
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect
      .poll(
        async () =>
          ((await install.json(["approvals", "policy", "--tenant", "acme"])) as { policy: string }).policy,
      )
      .toBe("risky");
    await page.locator('[data-policy-choice="all"]').check();
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect
      .poll(
        async () =>
          ((await install.json(["approvals", "policy", "--tenant", "acme"])) as { policy: string }).policy,
      )
      .toBe("all");
  });

  it("refuses a plan the tenant is over, then moves it when the operator confirms, and the tenant sees it is over", async () => {
    await page.getByRole("link", { name: "Tenants" }).click();
    await page.getByLabel("Plan of acme").selectOption("starter");
    await page.locator('[data-admin-tenant="acme"]').getByRole("button", { name: "Change plan" }).click();
    // The API's refusal, in its words, and the choice to move it anyway.
    const refusal = page.getByRole("dialog").locator("[data-plan-refusal]");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/plan starter allows: 1 instance \(allows 0\)/);
    await accessible("forced plan change");
    await page.getByRole("dialog").getByRole("button", { name: "Move it anyway" }).click();
    await expect
      .poll(
        async () =>
          ((await install.json(["tenant", "list"])) as Array<{ name: string; plan: string }>).find(
            (t) => t.name === "acme",
          )?.plan,
      )
      .toBe("starter");
    // What runs keeps running; the tenant's own page says it is over.
    await page.goto(`${serve.dashboardUrl}t/acme/plan`);
    await page
      .locator("[data-over]")
      .getByText(/instances/)
      .waitFor();
    const rows = (await install.json(["ps", "--tenant", "acme"])) as Array<{ state: string }>;
    expect(rows.map((r) => r.state)).toEqual(["ready"]);
  });

  it("deletes a tenant from the admin page after asking", async () => {
    await install.run(["tenant", "create", "scratch"]);
    await page.getByRole("link", { name: "Tenants" }).click();
    const row = page.locator('[data-admin-tenant="scratch"]');
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog").getByText("This cannot be undone").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Delete scratch" }).click();
    await page.locator('[data-admin-tenant="scratch"][data-tenant-status="deleted"]').waitFor();
    expect(await row.getByRole("button", { name: "Delete" }).count()).toBe(0);
    const listed = (await install.json(["tenant", "list"])) as Array<{ name: string; status: string }>;
    expect(listed.find((t) => t.name === "scratch")?.status).toBe("deleted");
  });

  it("opens the panel at phone width, with the conversation and its controls on the screen", async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${serve.dashboardUrl}t/acme/instances`);
    await page.getByRole("button", { name: "ACHEEVY" }).click();
    await chat().getByLabel("Previous conversations").click();
    await page.getByRole("option", { name: /deploy the static site as web2/ }).click();
    await chat().locator('[data-approval-status="done"]').waitFor();
    const send = await chat().getByRole("button", { name: "Send" }).boundingBox();
    expect(send && send.x + send.width <= 390).toBe(true);
    await accessible("ACHEEVY panel at phone width");
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

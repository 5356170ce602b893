import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, type TestInstall } from "./support/aimsCli.js";
import { launchBrowser, seriousViolations, type TestBrowser } from "./support/browser.js";
import { ensureDashboardBuilt, firstSignIn, signIn } from "./support/dashboardFlows.js";
import { type ServeProcess, startServe } from "./support/serveProcess.js";

// Deploy Dock in a real browser (Debian's Chromium through playwright-core) against a real `aims serve` on the
// real engine, started as a newcomer starts it: from the URL `aims serve` prints and the sign-in file it names.
// Host ports 54500-54599 are this file's.

let install: TestInstall;
let serve: ServeProcess;
let browser: TestBrowser;
let other: TestBrowser | undefined;
let page: Page;

/** axe-core on the page as it is now: no serious or critical violation. */
async function accessible(name: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

const state = (p: Page) => p.locator("[data-instance-state]").getAttribute("data-instance-state");

beforeAll(async () => {
  ensureDashboardBuilt();
  install = await createTestInstall("54500-54599");
  serve = await startServe(install);
  browser = await launchBrowser();
  page = await browser.newPage();
}, 240_000);

afterAll(async () => {
  await other?.close();
  await browser?.close();
  await serve?.stop();
  await install?.cleanup();
});

describe("Deploy Dock in a browser", () => {
  it("signs in from the printed URL with the first sign-in, and creates a tenant", async () => {
    await page.goto(serve.dashboardUrl);
    await page.waitForURL(/\/sign-in$/);
    await accessible("sign-in");
    const wrong = firstSignIn(serve.signInFile);
    await signIn(page, wrong.email, "not the password at all");
    await page.getByRole("alert").filter({ hasText: "email or password is not correct" }).waitFor();

    const { email, password } = firstSignIn(serve.signInFile);
    await signIn(page, email, password);
    await page.getByRole("heading", { name: "Welcome to Deploy Dock" }).waitFor();
    await accessible("welcome (no tenant yet)");
    await page.getByLabel("Tenant name").fill("Acme!");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await page.getByText("must be lowercase letters, digits and hyphens").waitFor();
    await page.getByLabel("Tenant name").fill("acme");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await page.waitForURL(/\/t\/acme\/catalog$/);
  });

  it("finds static-site in the catalog by words and category, and shows what it runs", async () => {
    await page.locator("[data-plug]").first().waitFor();
    await accessible("catalog");
    await page.getByLabel("Search").fill("busybox");
    await expect.poll(() => page.locator("[data-plug]").count()).toBe(1);
    await page.getByLabel("Search").fill("");
    await page.getByRole("group", { name: "Category" }).getByText("database", { exact: true }).click();
    await page.locator('[data-plug="postgres"]').waitFor();
    expect(await page.locator('[data-plug="static-site"]').count()).toBe(0);
    await page.getByRole("group", { name: "Category" }).getByText("all", { exact: true }).click();
    await page.locator('[data-plug="static-site"]').click();
    await page.getByRole("heading", { name: "Static site" }).waitFor();
    await page.getByText("What title should the site show?").waitFor();
    await accessible("plug detail");
    await page.getByRole("link", { name: "Catalog" }).click();
  });

  it("deploys static-site through its intake form, previews the plan, and watches it become ready live", async () => {
    await page.locator('[data-plug="static-site"]').click();
    await page.getByRole("link", { name: "Deploy Static site" }).click();
    const title = page.getByLabel("What title should the site show?");
    // The plug's default fills the field; a name that breaks the naming rule is refused before anything is sent.
    expect(await title.inputValue()).toBe("My AIMS site");
    await page.getByLabel("Instance name").fill("Web_1");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await page.getByText("must be lowercase letters, digits and hyphens").waitFor();
    await accessible("deploy form");
    await page.getByLabel("Instance name").fill("web");
    await title.fill("Dock demo");
    await page.getByRole("button", { name: "Preview the plan" }).click();
    await page.locator("[data-plan]").getByText("65534:65534").waitFor();
    await accessible("deploy preview");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    // Progress arrives over the event stream while the deploy runs, then the instance, ready, with its URL.
    await page.locator('[data-progress] [data-event="instance.created"]').waitFor({ timeout: 120_000 });
    await page.locator("[data-ready]").waitFor({ timeout: 120_000 });
    expect(await page.locator('[data-progress] [data-event="instance.ready"]').count()).toBe(1);
    await accessible("deploy done");
    const url = await page.locator("[data-ready] [data-instance-url]").first().getAttribute("href");
    expect(url).toBe(`http://web.acme.localhost:${install.proxyPort}/`);

    // Its URL, through AIMS's proxy, answers with the title given in the form.
    const site = await browser.newPage();
    await site.goto(`${url}cgi-bin/info`);
    expect(await site.textContent("body")).toContain("title: Dock demo");
    await site.close();
  });

  it("follows the instance's logs live, with search and pause", async () => {
    await page.getByRole("link", { name: "Open web" }).click();
    await page.waitForURL(/\/t\/acme\/instances\/web$/);
    expect(await state(page)).toBe("ready");
    const logs = page.locator("[data-logs]");
    await logs.getByText("GET /cgi-bin/info").first().waitFor();
    await accessible("instance (logs)");

    // A request made now shows up while the page follows.
    const site = await browser.newPage();
    const visit = (query: string) =>
      site.goto(`http://web.acme.localhost:${install.proxyPort}/cgi-bin/info?${query}`);
    await visit("first");
    await expect.poll(() => logs.getByText("GET /cgi-bin/info").count()).toBeGreaterThanOrEqual(2);

    await page.getByLabel("Search the logs").fill("cgi-bin");
    const matching = await logs.locator("div").count();
    expect(matching).toBeGreaterThanOrEqual(2);
    for (const line of await logs.locator("div").allTextContents()) expect(line).toContain("cgi-bin");

    await page.getByRole("button", { name: "Pause" }).click();
    await visit("paused");
    // Paused, the page holds new lines back and says how many: this request's, and any the browser made with it
    // (its favicon) or still had in flight from the visit before.
    const held = page.locator("[data-waiting-lines]");
    await held.waitFor();
    expect(await held.textContent()).toMatch(/^\d+ new lines?$/);
    expect(await logs.locator("div").count()).toBe(matching);
    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => logs.locator("div").count()).toBeGreaterThan(matching);
    await page.getByLabel("Search the logs").fill("");
    await site.close();
  });

  it("shows a state change made elsewhere without a reload, and ends the followed logs when it stops", async () => {
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const stopped = await install.run(["stop", "web", "--tenant", "acme"]);
    expect(stopped.code, stopped.stderr).toBe(0);
    await page.locator('[data-instance-state="stopped"]').waitFor();
    await page.locator('[data-logs-state="ended"]').waitFor();
    await page.locator("[data-logs] [data-note]").filter({ hasText: "its logs end here" }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    // The list, open while the CLI starts it again, turns ready by itself too.
    await page.getByRole("link", { name: "Instances", exact: true }).click();
    const row = page.locator('[data-instance="web"]');
    await row.getByText("stopped").waitFor();
    await page.locator('[data-stream="live"]').waitFor();
    await accessible("instances");
    const started = await install.run(["start", "web", "--tenant", "acme"]);
    expect(started.code, started.stderr).toBe(0);
    await row.getByText("ready").waitFor();
  });

  it("stops, starts, suspends, resumes, scales and updates from the dashboard, and shows ports, replicas and history", async () => {
    await page.locator('[data-instance="web"]').getByRole("link", { name: "web", exact: true }).click();
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Its containers stop").waitFor();
    await accessible("stop confirmation");
    await dialog.getByRole("button", { name: "Stop" }).click();
    await page.locator('[data-instance-state="stopped"]').waitFor();
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.locator('[data-instance-state="ready"]').waitFor({ timeout: 60_000 });

    await page.getByRole("button", { name: "Suspend", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Suspend" }).click();
    await page.locator('[data-instance-state="suspended"]').waitFor();
    await page.getByRole("button", { name: "Resume", exact: true }).click();
    await page.locator('[data-instance-state="ready"]').waitFor({ timeout: 60_000 });

    // Two replicas: each has a host port of its own.
    await page.getByRole("button", { name: "Scale", exact: true }).click();
    await page.getByRole("dialog").getByLabel("Replicas").fill("2");
    await accessible("scale dialog");
    await page.getByRole("dialog").getByRole("button", { name: "Scale" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.getByRole("tab", { name: "Ports and replicas" }).click();
    await expect.poll(() => page.getByRole("cell", { name: "http (http)" }).count()).toBe(2);
    await page.getByRole("row", { name: "web 2" }).waitFor();
    await accessible("instance (ports and replicas)");

    // A new answer is a new revision; the site shows it.
    await page.getByRole("button", { name: "Update", exact: true }).click();
    await page.getByRole("dialog").getByLabel("What title should the site show?").fill("Dock demo, updated");
    await accessible("update dialog");
    await page.getByRole("dialog").getByRole("button", { name: "Update" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached", timeout: 60_000 });
    await page.getByRole("tab", { name: "History" }).click();
    await page.locator('[data-revision="2"]').getByText("healthy").waitFor();
    await page.locator('[data-revision="1"]').getByText("healthy").waitFor();
    await accessible("instance (history)");
    const site = await browser.newPage();
    await site.goto(`http://web.acme.localhost:${install.proxyPort}/cgi-bin/info`);
    expect(await site.textContent("body")).toContain("title: Dock demo, updated");
    await site.close();
  });

  it("invites a second tenant's user, who accepts in the browser and never sees the first tenant's instances", async () => {
    await page.getByLabel("Tenant", { exact: true }).selectOption({ label: "New tenant…" });
    await page.getByRole("dialog").getByLabel("Tenant name").fill("beta");
    await page.getByRole("dialog").getByRole("button", { name: "Create tenant" }).click();
    await page.waitForURL(/\/t\/beta\/catalog$/);
    await page.getByRole("link", { name: "Members" }).click();
    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByRole("button", { name: "Invite" }).click();
    const link = (await page.locator("[data-shown-once] [data-secret]").textContent()) ?? "";
    expect(link).toMatch(new RegExp(`^${serve.dashboardUrl}invitation#aimsinv_`));
    await page.locator('[data-invitation="grace@example.com"]').getByText("open").waitFor();
    await accessible("members and invitations");

    other = await launchBrowser();
    const grace = await other.newPage();
    await grace.goto(link);
    await grace.getByRole("heading", { name: "Accept an invitation" }).waitFor();
    expect(await seriousViolations(grace), "axe on accept invitation").toEqual([]);
    await grace.getByRole("textbox", { name: "Password", exact: true }).fill("grace's own long passphrase");
    await grace.getByRole("textbox", { name: "Password again" }).fill("grace's own long passphrase");
    await grace.getByRole("button", { name: "Accept and sign in" }).click();
    await grace.waitForURL(/\/t\/beta\/instances$/);
    await grace.getByText("Nothing runs here yet").waitFor();
    const tenants = await grace.getByLabel("Tenant", { exact: true }).locator("option").allTextContents();
    expect(tenants).toEqual(["beta (member)", "New tenant…"]);

    // acme's instance exists (the operator sees it), yet for grace acme is not there at all.
    await grace.goto(`${serve.dashboardUrl}t/acme/instances/web`);
    await grace.getByText("No tenant acme").waitFor();
    const api = other.context.request;
    expect((await api.get(`${serve.apiUrl}/v1/tenants/acme/instances`)).status()).toBe(404);
    expect((await api.get(`${serve.apiUrl}/v1/tenants/acme/instances/web/logs`)).status()).toBe(404);
    expect((await (await api.get(`${serve.apiUrl}/v1/instances`)).json()).items).toEqual([]);

    // Signing out and in again works from the keyboard alone.
    await grace.getByRole("button", { name: "Sign out" }).click();
    await grace.waitForURL(/\/sign-in/);
    await grace.getByLabel("Email").focus();
    await grace.keyboard.type("grace@example.com");
    await grace.keyboard.press("Tab");
    await grace.keyboard.type("grace's own long passphrase");
    await grace.keyboard.press("Enter");
    await grace.waitForURL(/\/t\/beta\/instances$/);
    expect(other.errors).toEqual([]);
  });

  it("creates keys shown once, and filters the audit log", async () => {
    await page.getByRole("link", { name: "Account and keys" }).click();
    await page.getByLabel("Key name").fill("laptop");
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await page.locator("[data-shown-once] [data-secret]").textContent()).toMatch(/^aims_/);
    await page.locator('[data-key="laptop"]').waitFor();
    await accessible("account and keys");
    await page.getByLabel("Tenant", { exact: true }).selectOption({ label: "acme (owner)" });
    await page.getByRole("link", { name: "Service keys" }).click();
    await page.getByLabel("Key name").fill("ci");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator('[data-key="ci"]').waitFor();
    await accessible("service keys");
    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    await page.locator('[data-audit="instance.deploy"]').waitFor();
    await page.getByLabel("Action").selectOption("instance.stop");
    await expect.poll(() => page.locator('[data-audit="instance.stop"]').count()).toBe(2);
    expect(await page.locator("[data-audit]").count()).toBe(2);
    await accessible("audit log");
    await page.getByRole("link", { name: "Whole audit log" }).click();
    await page.locator('[data-audit="operator_account.create"]').waitFor();
    await accessible("whole audit log");
  });

  it("works at phone width (the navigation opens from its button) and in the dark", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${serve.dashboardUrl}t/acme/instances`);
    await page.locator('[data-instance="web"]').waitFor();
    await page.getByRole("button", { name: "Show navigation" }).click();
    await page.getByRole("link", { name: "Catalog" }).click();
    await page.waitForURL(/\/t\/acme\/catalog$/);
    await page.locator('[data-plug="static-site"]').waitFor();
    await accessible("catalog at phone width");
    await page.setViewportSize({ width: 1280, height: 900 });
    // Dark, as a system set to dark asks: the same contrast rules hold.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${serve.dashboardUrl}t/acme/instances/web`);
    await page.locator("[data-logs] div").first().waitFor();
    await accessible("instance, dark");
    await page.getByRole("link", { name: "Members" }).click();
    await page.locator("[data-member]").first().waitFor();
    await accessible("members, dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("removes the instance after asking, and the page said nothing to the console", async () => {
    await page.goto(`${serve.dashboardUrl}t/acme/instances/web`);
    await page.getByRole("button", { name: "Remove", exact: true }).click();
    await page.getByRole("dialog").getByText("This cannot be undone").waitFor();
    await accessible("remove confirmation");
    await page.getByRole("dialog").getByRole("button", { name: "Remove web" }).click();
    await page.waitForURL(/\/t\/acme\/instances$/);
    await page.getByText("Nothing runs here yet").waitFor();
    expect(await install.json(["ps", "--tenant", "acme"])).toEqual([]);
    // The dashboard's pages logged one error: the browser's note on the 401 of the wrong password tried on purpose.
    // (Other pages, the static site's, may log a missing favicon: not ours.)
    expect(browser.errors.filter((e) => e.startsWith(serve.dashboardUrl))).toEqual([
      `${serve.dashboardUrl}sign-in: Failed to load resource: the server responded with a status of 401 (Unauthorized)`,
    ]);
  });
});

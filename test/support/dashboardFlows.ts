import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "../..");

function newestUnder(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestUnder(path) : stat.mtimeMs);
  }
  return newest;
}

/**
 * Builds the dashboard (`npm run build:web`) unless dist/web is newer than every source of it: web/ and the
 * route table the API types are generated from. `aims serve` serves what is built.
 */
export function ensureDashboardBuilt(): void {
  const page = join(ROOT, "dist/web/index.html");
  const sources = Math.max(newestUnder(join(ROOT, "web")), newestUnder(join(ROOT, "src/api")));
  if (existsSync(page) && statSync(page).mtimeMs > sources) return;
  execFileSync("npm", ["run", "build:web", "--silent"], { cwd: ROOT, stdio: "pipe" });
}

/** The email and password `aims serve` wrote for the first sign-in. */
export function firstSignIn(file: string): { email: string; password: string } {
  const text = readFileSync(file, "utf8");
  const field = (name: string) => new RegExp(`^${name}: (\\S+)$`, "m").exec(text)?.[1] ?? "";
  return { email: field("email"), password: field("password") };
}

/** Signs in on the sign-in page the dashboard sent the browser to. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByRole("textbox", { name: "Password" }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** From the catalog page: opens a plug, its deploy form, names the instance, answers, and deploys. */
export async function deployFromCatalog(
  page: Page,
  plug: { id: string; name: string },
  instance: string,
  answers: Record<string, string>,
): Promise<void> {
  await page.locator(`[data-plug="${plug.id}"]`).click();
  await page.getByRole("link", { name: `Deploy ${plug.name}` }).click();
  await page.getByLabel("Instance name").fill(instance);
  for (const [question, value] of Object.entries(answers)) await page.getByLabel(question).fill(value);
  await page.getByRole("button", { name: "Deploy", exact: true }).click();
}

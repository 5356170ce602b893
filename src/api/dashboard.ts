import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PACKAGE_ROOT } from "../packageRoot.js";

/** Where `npm run build` puts the dashboard (web/, built by Vite): shipped in the npm package, never committed. */
export const DASHBOARD_DIR = join(PACKAGE_ROOT, "dist/web");

/**
 * The dashboard's Content-Security-Policy: nothing external, no inline or evaluated scripts. Styles allow
 * 'unsafe-inline' because Mantine sets CSS variables in `style` attributes and a `<style>` element at run
 * time (docs/security.md, "The dashboard").
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Paths that belong to the API: they answer JSON (or their own text), never the dashboard's page. */
const API_PATH = /^\/(v1|healthz|readyz|metrics|openapi\.json|docs|assets)(\/|$)/;

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header("cache-control", "no-cache")
    .header("content-security-policy", DASHBOARD_CSP)
    .header("x-frame-options", "DENY")
    .header("referrer-policy", "same-origin");
}

/** The dashboard's page, read once at start (its assets are found once too: a new build needs a restart). */
export interface DashboardPage {
  html: string;
}

/**
 * Serves the built dashboard at `/` when it is there: hashed assets (`/assets/*`) cached for a year, the page
 * itself revalidated on every load, under the CSP above. Returns its page, or undefined when nothing is built.
 */
export async function serveDashboard(
  app: FastifyInstance,
  dir = DASHBOARD_DIR,
): Promise<DashboardPage | undefined> {
  const index = join(dir, "index.html");
  if (!existsSync(index)) return undefined;
  const page = { html: readFileSync(index, "utf8") };
  await app.register(async (scope) => {
    scope.addHook("onSend", async (request, reply, payload) => {
      if (reply.statusCode >= 400) return payload;
      if (request.url.startsWith("/assets/"))
        reply.header("cache-control", "public, max-age=31536000, immutable");
      else pageHeaders(reply);
      return payload;
    });
    await scope.register(fastifyStatic, {
      root: dir,
      // Routes for the files built, found once at start: any other path falls to the not-found handler below.
      wildcard: false,
      globIgnore: ["**/*.gz", "**/*.br"],
      preCompressed: true,
      cacheControl: false,
      index: "index.html",
    });
  });
  return page;
}

/**
 * True when a request no route matched should get the dashboard's page (its own router shows the path): a GET
 * of a path outside the API from something that reads HTML. API paths keep their JSON 404.
 */
export function wantsDashboardPage(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const path = request.url.split("?")[0] ?? "";
  return !API_PATH.test(path) && (request.headers.accept ?? "").includes("text/html");
}

/** The dashboard's page, for a path its own router handles (`/t/acme/instances/web`). */
export function sendDashboardPage(reply: FastifyReply, page: DashboardPage): FastifyReply {
  return pageHeaders(reply).status(200).type("text/html; charset=utf-8").send(page.html);
}

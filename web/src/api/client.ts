import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

/** The CSRF token of this session: given at sign-in, and readable from its cookie after a reload. */
let csrfToken: string | undefined;

/** Remembers the CSRF token `POST /v1/sessions` answered with. */
export function rememberCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

function csrfFromCookie(): string | undefined {
  // `__Host-aims_csrf` with secure cookies (the default), `aims_csrf` with api.secureCookies false.
  const cookies = new Map(
    document.cookie
      .split(";")
      .map((c) => c.trim().split("="))
      .map(([name = "", ...value]) => [name, decodeURIComponent(value.join("="))] as const),
  );
  return cookies.get("__Host-aims_csrf") ?? cookies.get("aims_csrf");
}

/** True when the browser holds a session's CSRF cookie (set with the session cookie, cleared with it). */
export function hasSessionCookie(): boolean {
  return csrfToken !== undefined || csrfFromCookie() !== undefined;
}

/** The `X-CSRF-Token` header a change made with the session cookie must carry (docs/api.md). */
export function csrfHeaders(): Record<string, string> {
  const token = csrfToken ?? csrfFromCookie();
  return token ? { "x-csrf-token": token } : {};
}

const listeners = new Set<() => void>();

/** Called when the API says the session has ended (401), so the app can show the sign-in page. */
export function onSignedOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Tells the app the session ended (a 401 from any request, the API's or a stream's). */
export function signedOut(): void {
  for (const listener of listeners) listener();
}

const session: Middleware = {
  onRequest({ request }) {
    if (request.method !== "GET" && request.method !== "HEAD")
      for (const [name, value] of Object.entries(csrfHeaders())) request.headers.set(name, value);
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && schemaPath !== "/v1/sessions" && schemaPath !== "/v1/invitations/accept")
      signedOut();
    return response;
  },
};

/**
 * The dashboard's one way to the API: typed by the paths generated from the API's own OpenAPI document
 * (scripts/generate-api-types.ts), so a request or answer that no longer matches the API fails typecheck.
 */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(session);

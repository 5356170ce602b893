import type { FastifyInstance, FastifyRequest } from "fastify";
import { AimsError } from "../domain/errors.js";
import type { Executor } from "../store/database.js";
import { authenticateKey, authenticateSession } from "../tenancy/authenticate.js";
import type { Principal } from "../tenancy/principal.js";
import { digestOf, sameDigest } from "../tenancy/tokens.js";
import type { ApiServices } from "./route.js";

export const CSRF_HEADER = "x-csrf-token";

/** The names of the session and CSRF cookies. */
export interface CookieNames {
  session: string;
  csrf: string;
}

/**
 * The cookie names for a server. Secure cookies take the `__Host-` prefix: a browser keeps such a cookie
 * only when it is Secure, has `Path=/` and no `Domain`, so no other host (a tenant's app on a sibling
 * subdomain) can plant one. Without Secure the prefix is refused by browsers: the cookies stay host-only
 * (no `Domain`) under their plain names. The proxy strips both forms from requests to instances.
 * @example cookieNames(true) // { session: "__Host-aims_session", csrf: "__Host-aims_csrf" }
 */
export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? "__Host-" : "";
  return { session: `${prefix}aims_session`, csrf: `${prefix}aims_csrf` };
}

/** The cookie names of the server that received `request` (createApiServer decorates it with `aims`). */
export function cookieNamesOf(request: FastifyRequest): CookieNames {
  const { aims } = request.server as FastifyInstance & { aims?: ApiServices };
  return cookieNames(aims?.platform.config.api.secureCookies ?? true);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Who is calling: `Authorization: Bearer aims_…` (programs) or the session cookie (browsers). A cookie-signed
 * request that changes anything must echo the session's CSRF token in `X-CSRF-Token`; a bearer key needs none
 * (browsers never attach it on their own). Returns undefined when no credential was given; a bad one is 401.
 */
export async function authenticateRequest(
  ex: Executor,
  request: FastifyRequest,
): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match?.[1] ? await authenticateKey(ex, match[1]) : undefined;
    if (!principal)
      throw new AimsError("unauthorized", "the API key is not valid (unknown, revoked or expired)");
    return principal;
  }
  // Only the configured name: with secure cookies, a plain `aims_session` may have been planted by another host.
  const cookie = request.cookies[cookieNamesOf(request).session];
  if (cookie === undefined || cookie === "") return undefined;
  const signedIn = await authenticateSession(ex, cookie);
  if (!signedIn) throw new AimsError("unauthorized", "your session has ended; sign in again");
  if (!SAFE_METHODS.has(request.method)) {
    const token = request.headers[CSRF_HEADER];
    if (
      typeof token !== "string" ||
      token.length > 200 ||
      !sameDigest(digestOf(token), signedIn.session.csrf_digest)
    )
      throw new AimsError(
        "forbidden",
        `missing or wrong ${CSRF_HEADER} header (the CSRF token given at sign-in)`,
      );
  }
  return signedIn.principal;
}

const authenticated = new WeakMap<FastifyRequest, Promise<Principal | undefined>>();

/**
 * `authenticateRequest` once per request: the rate limiter (which needs the credential to pick a budget) and the
 * route's handler share one answer, so a request is looked up once. A stream re-checks its credential with
 * `authenticateRequest` itself, never with this.
 */
export function authenticateOnce(ex: Executor, request: FastifyRequest): Promise<Principal | undefined> {
  let answer = authenticated.get(request);
  if (!answer) {
    answer = authenticateRequest(ex, request);
    authenticated.set(request, answer);
  }
  return answer;
}

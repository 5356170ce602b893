import type { FastifyRequest } from "fastify";
import { AimsError } from "../domain/errors.js";
import type { Executor } from "../store/database.js";
import { authenticateKey, authenticateSession } from "../tenancy/authenticate.js";
import type { Principal } from "../tenancy/principal.js";
import { digestOf, sameDigest } from "../tenancy/tokens.js";

export const SESSION_COOKIE = "aims_session";
export const CSRF_COOKIE = "aims_csrf";
export const CSRF_HEADER = "x-csrf-token";

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
  const cookie = request.cookies[SESSION_COOKIE];
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

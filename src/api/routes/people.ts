import type { FastifyReply } from "fastify";
import { listUsers } from "../../store/userRepository.js";
import { requirePlatformAdmin } from "../../tenancy/principal.js";
import { login, loginInput, logout, logoutEverywhere } from "../../tenancy/sessions.js";
import {
  changePassword,
  changePasswordInput,
  createUser,
  createUserInput,
  currentUser,
  toUserView,
} from "../../tenancy/users.js";
import { cookieNames } from "../auth.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { pageOf } from "../responses/pages.js";
import { sessionViewSchema, userViewSchema } from "../responses/people.js";
import { defineRoute } from "../route.js";

/** Expires the session cookies; a `__Host-` cookie is only replaced by one with the same Secure and Path. */
function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  const names = cookieNames(secure);
  reply.clearCookie(names.session, { path: "/", secure, sameSite: "strict" });
  reply.clearCookie(names.csrf, { path: "/", secure, sameSite: "strict" });
}

/** Sign-in, sign-out, users and passwords. */
export const peopleRoutes = [
  defineRoute({
    method: "POST",
    url: "/v1/sessions",
    summary:
      "Sign in with email and password: sets the host-only session cookie (__Host-aims_session: httpOnly, SameSite=Strict) and returns the CSRF token",
    tag: "people",
    auth: "none",
    response: sessionViewSchema,
    checksCredentials: true,
    status: 201,
    body: loginInput,
    carriesSecret: true,
    example: { body: { email: "ada@example.com", password: "correct horse battery" } },
    handler: async ({ services: { platform }, body, source, reply }) => {
      const session = await login(platform, body, source);
      const secure = platform.config.api.secureCookies;
      const names = cookieNames(secure);
      // Host-only (never a Domain attribute), Path=/: what the `__Host-` prefix requires.
      const cookie = { path: "/", sameSite: "strict" as const, secure, expires: new Date(session.expiresAt) };
      reply.setCookie(names.session, session.token, { ...cookie, httpOnly: true });
      // Readable by the dashboard's script, which echoes it in X-CSRF-Token; useless to another site.
      reply.setCookie(names.csrf, session.csrfToken, { ...cookie, httpOnly: false });
      return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/sessions/current",
    status: 204,
    summary: "Sign out: ends this session and clears its cookies",
    tag: "people",
    auth: "required",
    scope: "account",
    handler: async ({ services: { platform }, caller, reply }) => {
      await logout(platform, caller);
      clearSessionCookies(reply, platform.config.api.secureCookies);
      return undefined;
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/sessions",
    summary: "Sign out everywhere: ends every session of yours (keys stay; revoke them separately)",
    tag: "people",
    auth: "required",
    scope: "account",
    status: 204,
    handler: async ({ services: { platform }, caller, reply }) => {
      await logoutEverywhere(platform, caller);
      clearSessionCookies(reply, platform.config.api.secureCookies);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    url: "/v1/users",
    summary: "Create a user (operator only; people usually join through invitations)",
    response: userViewSchema,
    tag: "people",
    auth: "required",
    status: 201,
    body: createUserInput,
    authorize: ({ caller }) => requirePlatformAdmin(caller.principal, "create users"),
    example: { body: { email: "ada@example.com", password: "correct horse battery" } },
    handler: ({ services: { platform }, caller, body }) => createUser(platform, caller, body),
  }),
  defineRoute({
    method: "GET",
    url: "/v1/users",
    summary: "List users (operator only)",
    response: pageOf(userViewSchema),
    tag: "people",
    auth: "required",
    query: pageQuery,
    handler: async ({ services: { platform }, caller, query }) => {
      requirePlatformAdmin(caller.principal, "list users");
      const rows = await listUsers(platform.store.db, {
        afterId: decodeCursor(query.cursor, "string"),
        limit: query.limit + 1,
      });
      return toPage(rows, query.limit, (r) => r.id, toUserView);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/users/me",
    summary: "The signed-in user",
    response: userViewSchema,
    tag: "people",
    auth: "required",
    handler: ({ services: { platform }, caller }) => currentUser(platform, caller),
  }),
  defineRoute({
    method: "POST",
    url: "/v1/users/me/password",
    status: 204,
    summary: "Change your password (ends your other sessions; wrong guesses are throttled like sign-ins)",
    checksCredentials: true,
    tag: "people",
    auth: "required",
    scope: "account",
    body: changePasswordInput,
    example: {
      body: { currentPassword: "correct horse battery", newPassword: "a longer better passphrase" },
    },
    handler: async ({ services: { platform }, caller, body }) => {
      await changePassword(platform, caller, body);
      return undefined;
    },
  }),
];

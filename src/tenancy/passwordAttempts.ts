import type { OperationContext } from "../context.js";
import { addressGroup, type BackoffPolicy } from "../domain/backoff.js";
import { AimsError } from "../domain/errors.js";
import { appendAudit } from "../store/auditLog.js";
import { withTransaction } from "../store/database.js";
import { sessionSourcesOf } from "../store/sessionRepository.js";
import { findUserByEmail } from "../store/userRepository.js";
import { beginAttempt, type ThrottledKey } from "./throttle.js";

const DAY_MS = 24 * 3_600_000;

/** Per client address (an IPv6 address by its /64): 10 failures free, then 1 s, 2 s, 4 s … at most 15 min. */
export const ADDRESS_BACKOFF: BackoffPolicy = {
  freeFailures: 10,
  firstWaitMs: 1000,
  maxWaitMs: 15 * 60_000,
  forgetAfterMs: DAY_MS,
};

/** Per account (the email tried, whether or not it exists): 5 failures free, then 1 s, 2 s, 4 s … at most 15 min. */
export const ACCOUNT_BACKOFF: BackoffPolicy = {
  freeFailures: 5,
  firstWaitMs: 1000,
  maxWaitMs: 15 * 60_000,
  forgetAfterMs: DAY_MS,
};

/** An address the account signed in from within this long is "known" for it (see guardCredentialCheck). */
const KNOWN_ADDRESS_MS = 30 * DAY_MS;

/** The client address in an audit source (`api 192.0.2.1`). */
function addressOf(source: string): string {
  return source.startsWith("api ") ? source.slice(4) : source;
}

/**
 * Guards one check of a secret (a password at sign-in, when accepting an invitation as an existing user or
 * changing a password; an invitation token): the attempt counts against the client's address and, when an
 * account is named, against the account, and is refused with AimsError("rate_limited") and a Retry-After while
 * either waits — before the password is looked at, so a right password during a wait gets the same 429.
 * From an address where the account signed in within 30 days, the attempt counts against that pair alone (with
 * the account's numbers): nobody failing on purpose elsewhere, or from many accounts behind the same address,
 * keeps the owner out of the place they sign in from. The first refusal of each wait is audited (`action`,
 * result `denied`); the failures themselves are audited by the caller.
 */
export async function guardCredentialCheck(
  p: OperationContext,
  attempt: { email?: string; source: string; action: string; tenantId?: string | null },
): Promise<{ succeeded(): Promise<void> }> {
  const address = addressGroup(addressOf(attempt.source));
  const email = attempt.email;
  const keys: ThrottledKey[] =
    email !== undefined && (await knownAddress(p, email, address))
      ? [{ key: `account:${email} from:${address}`, policy: ACCOUNT_BACKOFF, onSuccess: "reset" }]
      : [
          { key: `address:${address}`, policy: ADDRESS_BACKOFF, onSuccess: "undo" },
          ...(email !== undefined
            ? [{ key: `account:${email}`, policy: ACCOUNT_BACKOFF, onSuccess: "reset" as const }]
            : []),
        ];
  const outcome = await beginAttempt(p.store.db, keys);
  if (outcome.allowed) return outcome;
  const forAccount = outcome.key.startsWith("account:");
  if (outcome.firstRefusal)
    await withTransaction(p.store.db, (trx) =>
      appendAudit(trx, {
        actor: "anonymous",
        source: attempt.source,
        action: attempt.action,
        target: forAccount ? `account/${email ?? ""}` : `address/${address}`,
        tenantId: attempt.tenantId ?? null,
        result: "denied",
        data: { failures: outcome.failures, retryAfterSeconds: outcome.retryAfterSeconds },
      }),
    );
  throw new AimsError(
    "rate_limited",
    `too many failed attempts ${forAccount ? "for this account" : "from your address"}; try again in ${outcome.retryAfterSeconds} s`,
    undefined,
    { retryAfterSeconds: outcome.retryAfterSeconds },
  );
}

/** True when the account with this email signed in from `address` (grouped) within 30 days. */
async function knownAddress(p: OperationContext, email: string, address: string): Promise<boolean> {
  const user = await findUserByEmail(p.store.db, email);
  if (!user) return false;
  const since = new Date(Date.now() - KNOWN_ADDRESS_MS).toISOString();
  const sources = await sessionSourcesOf(p.store.db, user.id, since);
  return sources.some((s) => addressGroup(addressOf(s)) === address);
}

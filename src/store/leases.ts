import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Executor } from "./database.js";

/** This process's lease holder id: host, pid and a random part (a restarted process never inherits). */
export const LEASE_HOLDER = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

const DEFAULT_TTL_MS = 120_000;

/** True when a holder on this host belongs to a process that no longer exists (crashed: its lease is void). */
export function holderIsDead(holder: string): boolean {
  const [host, pidText] = holder.split(":");
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return holder !== LEASE_HOLDER;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
  return isZombie(pid);
}

/** A process that exited but was not reaped yet still answers kill(pid, 0): /proc says it is a zombie. */
function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state letter follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

/**
 * Takes (or renews) the named lease for `ttlMs` when it is free, expired, ours, or held by a dead process
 * on this host. Returns false when another live holder has it. Runs in its own write transaction.
 */
export async function acquireLease(ex: Executor, name: string, ttlMs = DEFAULT_TTL_MS): Promise<boolean> {
  const now = Date.now();
  const expiresAt = new Date(now + ttlMs).toISOString();
  const run = async (trx: Executor) => {
    const current = await trx.selectFrom("leases").selectAll().where("name", "=", name).executeTakeFirst();
    if (
      current &&
      current.holder !== LEASE_HOLDER &&
      Date.parse(current.expires_at) > now &&
      !holderIsDead(current.holder)
    )
      return false;
    if (current)
      await trx
        .updateTable("leases")
        .set({ holder: LEASE_HOLDER, expires_at: expiresAt })
        .where("name", "=", name)
        .execute();
    else
      await trx.insertInto("leases").values({ name, holder: LEASE_HOLDER, expires_at: expiresAt }).execute();
    return true;
  };
  return "transaction" in ex && typeof ex.transaction === "function"
    ? ex.transaction().execute(run)
    : run(ex);
}

/** Gives the lease up if we hold it. */
export async function releaseLease(ex: Executor, name: string): Promise<void> {
  await ex.deleteFrom("leases").where("name", "=", name).where("holder", "=", LEASE_HOLDER).execute();
}

/** Leases a `withLease` of this process is running under: the store row cannot tell two of them apart. */
const heldHere = new Set<string>();

/** Runs `fn` holding the lease, renewing it while `fn` runs; undefined when someone else holds it. */
export async function withLease<T>(
  ex: Executor,
  name: string,
  fn: () => Promise<T>,
  ttlMs = DEFAULT_TTL_MS,
): Promise<{ ran: true; value: T } | { ran: false }> {
  // Another caller in this process (the reconciler loop beside an API request in `aims serve`) holds it.
  if (heldHere.has(name)) return { ran: false };
  heldHere.add(name);
  let acquired = false;
  try {
    acquired = await acquireLease(ex, name, ttlMs);
  } finally {
    if (!acquired) heldHere.delete(name);
  }
  if (!acquired) return { ran: false };
  const renew = setInterval(
    () => {
      acquireLease(ex, name, ttlMs).catch(() => undefined);
    },
    Math.max(1000, ttlMs / 3),
  );
  renew.unref();
  try {
    return { ran: true, value: await fn() };
  } finally {
    clearInterval(renew);
    await releaseLease(ex, name).catch(() => undefined);
    heldHere.delete(name);
  }
}

/** Leases a live process holds now (not expired, its holder not dead): someone is working on the store. */
export async function liveLeases(ex: Executor): Promise<Array<{ name: string; holder: string }>> {
  const now = Date.now();
  const rows = await ex.selectFrom("leases").select(["name", "holder", "expires_at"]).execute();
  return rows
    .filter((r) => Date.parse(r.expires_at) > now && r.holder !== LEASE_HOLDER && !holderIsDead(r.holder))
    .map(({ name, holder }) => ({ name, holder }));
}

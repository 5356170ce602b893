import type { FastifyRequest } from "fastify";
import { AimsError } from "../../domain/errors.js";
import type { AccessChange } from "../../tenancy/accessChanges.js";
import type { Principal } from "../../tenancy/principal.js";

/** What a long-lived answer (an event stream, followed logs, later chat) tells the registry about itself. */
export interface StreamOptions<T> {
  request: FastifyRequest;
  /** Who opened it, as authenticated then. */
  principal: Principal;
  /** The tenant it is counted against (the one it shows, or its key's); null for none. */
  tenantId: string | null;
  /**
   * What it asks of its credential, e.g. `logs acme/web`: streams of one credential asking the same question
   * share one answer per heartbeat, so 10,000 streams of one key cost one lookup, not 10,000.
   */
  question: string;
  /** Answers the question for the credential's principal now; throws (AimsError) when it may no longer stream. */
  authorise(principal: Principal): Promise<T>;
  /** Takes a fresh answer (an event stream narrows or widens what it delivers). */
  update?(answer: T): void;
  /** Written at each heartbeat, before the re-check (an SSE comment). */
  heartbeat?(): void;
  /** Ends the response at once; called exactly once, by whoever ends the stream first. */
  end(): void;
}

/** The handle of an open stream. */
export interface LiveStream {
  readonly ended: boolean;
  /** Ends it (the client left, or the source ran dry); ending twice does nothing. */
  end(): void;
}

export interface LiveStreamsOptions {
  heartbeatMs: number;
  maxPerKey: number;
  maxPerTenant: number;
  /** Who the request's credential belongs to now; undefined or a throw means nobody (revoked, expired). */
  authenticate(request: FastifyRequest): Promise<Principal | undefined>;
}

interface Entry {
  options: StreamOptions<unknown>;
  credential: string;
  ended: boolean;
  /** Re-checks started so far: an answer is applied only if no later check has started since. */
  checks: number;
}

/** The credential a principal was established from: one API key, or one session. */
function credentialOf(principal: Principal): string {
  return principal.keyId !== null ? `key:${principal.keyId}` : `session:${principal.sessionId}`;
}

function touches(change: AccessChange, principal: Principal): boolean {
  return "keyId" in change ? principal.keyId === change.keyId : principal.userId === change.userId;
}

/**
 * Every open long-lived answer of one API server. It caps how many one key (or session) and one tenant hold
 * (`quota_exceeded`, 429), beats one heartbeat for all of them, and at each heartbeat re-checks each stream's
 * credential and what it may see, with one lookup per credential and question. An access change made through
 * this server (`accessChanged`) re-checks the streams of that key or user at once, without cache.
 */
export class LiveStreams {
  readonly #options: LiveStreamsOptions;
  readonly #open = new Set<Entry>();
  readonly #perKey = new Map<string, number>();
  readonly #perTenant = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;

  constructor(options: LiveStreamsOptions) {
    this.#options = options;
  }

  /** How many streams are open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Registers a stream that its route has just authorised; call it before answering, since over a cap it throws
   * AimsError("quota_exceeded"). The socket loses its idle timeout: the heartbeat re-checks govern the stream.
   */
  open<T>(options: StreamOptions<T>): LiveStream {
    const credential = credentialOf(options.principal);
    const { maxPerKey, maxPerTenant } = this.#options;
    const byKey = this.#perKey.get(credential) ?? 0;
    if (byKey >= maxPerKey)
      throw new AimsError(
        "quota_exceeded",
        `this ${options.principal.kind === "key" ? "API key" : "session"} already holds ${byKey} open streams, the most allowed; close one first`,
      );
    const tenantId = options.tenantId;
    const byTenant = tenantId === null ? 0 : (this.#perTenant.get(tenantId) ?? 0);
    if (tenantId !== null && byTenant >= maxPerTenant)
      throw new AimsError(
        "quota_exceeded",
        `this tenant already holds ${byTenant} open streams, the most allowed; close one first`,
      );
    const entry: Entry = { options: options as StreamOptions<unknown>, credential, ended: false, checks: 0 };
    this.#open.add(entry);
    this.#perKey.set(credential, byKey + 1);
    if (tenantId !== null) this.#perTenant.set(tenantId, byTenant + 1);
    options.request.raw.socket?.setTimeout?.(0);
    this.#timer ??= setInterval(() => void this.heartbeat(), this.#options.heartbeatMs).unref();
    return {
      get ended() {
        return entry.ended;
      },
      end: () => this.#end(entry),
    };
  }

  /** One heartbeat (the timer calls it): every stream's heartbeat line, then every stream re-checked. */
  heartbeat(): Promise<void> {
    if (this.#beating) return this.#beating;
    const entries = [...this.#open];
    for (const entry of entries) entry.options.heartbeat?.();
    this.#beating = this.#recheck(entries).finally(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  /** An access change made through this server: the streams of that key or user are re-checked now. */
  accessChanged(change: AccessChange): Promise<void> {
    return this.#recheck([...this.#open].filter((entry) => touches(change, entry.options.principal)));
  }

  /** Ends every stream (the server is closing: clients reconnect, Last-Event-ID resumes events). */
  endAll(): void {
    for (const entry of [...this.#open]) this.#end(entry);
  }

  /** Stops the heartbeat and ends every stream. */
  close(): void {
    clearInterval(this.#timer);
    this.endAll();
  }

  async #recheck(entries: Entry[]): Promise<void> {
    // One lookup per credential and one per (credential, question), for this re-check only.
    const principals = new Map<string, Promise<Principal | undefined>>();
    const answers = new Map<string, Promise<unknown>>();
    await Promise.all(
      entries.map(async (entry) => {
        const check = ++entry.checks;
        try {
          let who = principals.get(entry.credential);
          if (!who) {
            who = this.#options.authenticate(entry.options.request);
            principals.set(entry.credential, who);
          }
          const principal = await who;
          if (!principal) return this.#end(entry);
          const question = `${entry.credential}\n${entry.options.question}`;
          let answer = answers.get(question);
          if (!answer) {
            answer = entry.options.authorise(principal);
            answers.set(question, answer);
          }
          const value = await answer;
          // A check started later (an access change during a heartbeat) saw newer facts: its answer wins.
          if (!entry.ended && check === entry.checks) entry.options.update?.(value);
        } catch {
          // Denied, or the store did not answer: fail closed; the client reconnects and is checked afresh.
          this.#end(entry);
        }
      }),
    );
  }

  #end(entry: Entry): void {
    if (entry.ended) return;
    entry.ended = true;
    this.#open.delete(entry);
    decrement(this.#perKey, entry.credential);
    if (entry.options.tenantId !== null) decrement(this.#perTenant, entry.options.tenantId);
    entry.options.end();
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

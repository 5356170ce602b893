/** Whose access an operation has just taken away or changed: one key (revoked), or one user (signed out, removed, demoted). */
export type AccessChange = { keyId: string } | { userId: string };

/** Hears an access change; the publisher waits for it (it ends or re-checks the streams it holds). */
export type AccessListener = (change: AccessChange) => Promise<void> | void;

/**
 * The in-process notice of access changes. An operation that revokes a key or a session, removes a member or
 * changes a role publishes one after its transaction commits; the API re-checks the open streams of that key or
 * user before the operation answers (src/api/streams/liveStreams.ts). Changes made by another process reach
 * those streams at their next heartbeat instead.
 * @example await p.accessChanges.publish({ keyId: row.id });
 */
export class AccessChanges {
  readonly #listeners = new Set<AccessListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: AccessListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Tells every listener and waits for them; a listener's failure is its own (it ends what it cannot check). */
  async publish(change: AccessChange): Promise<void> {
    await Promise.allSettled([...this.#listeners].map(async (listener) => listener(change)));
  }
}

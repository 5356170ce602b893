import { type ChainedAuditEntry, chainHash, GENESIS_HASH } from "./auditChain.js";

/** What was done to the chain at the first place it breaks. */
export type ChainProblem = "edited" | "deleted" | "reordered" | "relinked";

/** The first place the chain breaks: the entry (its seq, and its id unless it is gone) and what was done. */
export interface ChainBreakReport {
  seq: number;
  id: string | null;
  problem: ChainProblem;
  message: string;
}

/** A whole chain: how many entries, and the last one (its hash is what a later check compares with). */
export interface WholeChain {
  ok: true;
  length: number;
  /** The first seq checked: 1 for a whole log; later for an export made `--since` a time. */
  firstSeq: number | null;
  headSeq: number | null;
  headHash: string;
  /** Stretches of seqs not there (a `--tenant` export, checked with `partial`): links across them are unchecked. */
  gaps: number;
}

/** A broken chain: the entries that checked out before the break, and the break. */
export interface BrokenChain {
  ok: false;
  checked: number;
  broken: ChainBreakReport;
}

export type ChainVerdict = WholeChain | BrokenChain;

export interface ChainVerifierOptions {
  /**
   * Where the entries start: `genesis` (a whole log: the first must be seq 1 linked to the genesis hash), or
   * `anywhere` (an export `--since` a time: the first entry's link is taken as given).
   */
  start?: "genesis" | "anywhere";
  /** Entries may be left out (a `--tenant` export): a gap in the seqs is not a deletion, links across it are unchecked. */
  partial?: boolean;
}

/** How many entries after a broken link are searched for one that explains it as a move (a swap is near). */
const LOOKAHEAD = 1000;

/**
 * Walks a hash chain entry by entry, in seq order, without holding it in memory, and names the first entry that
 * was edited (its content no longer matches its hash), deleted (a seq is missing and the next entry does not link
 * to the one before), reordered (an entry links to one that comes after it) or relinked (an entry before was
 * edited and given a new hash, or entries were inserted). Deleting the newest entries leaves a shorter chain
 * that still verifies: compare the length and head hash with ones recorded earlier.
 * @example const v = new ChainVerifier(); for (const e of entries) if (!v.push(e)) break; v.verdict()
 */
export class ChainVerifier {
  readonly #options: Required<ChainVerifierOptions>;
  #prev: { seq: number; hash: string; id: string } | undefined;
  #firstSeq: number | null = null;
  #length = 0;
  #gaps = 0;
  #broken: ChainBreakReport | undefined;
  /** A self-consistent entry whose link is wrong: a later entry it links to would make it a reorder. */
  #suspect:
    | {
        entry: ChainedAuditEntry;
        after: { seq: number; id: string } | undefined;
        expectedSeq: number;
        seen: number;
      }
    | undefined;

  constructor(options: ChainVerifierOptions = {}) {
    this.#options = { start: options.start ?? "genesis", partial: options.partial ?? false };
  }

  /** Checks the next entry; false once the verdict is known (a break was found), so the caller can stop. */
  push(entry: ChainedAuditEntry): boolean {
    if (this.#broken) return false;
    if (this.#suspect) return this.#settleSuspect(entry);
    if (chainHash(entry.prev_hash, entry) !== entry.hash) {
      this.#broken = {
        seq: entry.seq,
        id: entry.id,
        problem: "edited",
        message: `entry ${entry.seq} (${entry.id}) was edited: its content does not match its hash`,
      };
      return false;
    }
    const prev = this.#prev;
    const expectedSeq = prev ? prev.seq + 1 : this.#options.start === "genesis" ? 1 : entry.seq;
    const expectedPrev = prev
      ? prev.hash
      : this.#options.start === "genesis"
        ? GENESIS_HASH
        : entry.prev_hash;
    if (entry.seq > expectedSeq && this.#options.partial) {
      // Left out of a partial export: the link across the gap cannot be checked.
      this.#gaps++;
    } else if (entry.prev_hash !== expectedPrev) {
      // Deleted, or moved: an entry further on that it links to (or that has the seq expected here) says moved.
      this.#suspect = { entry, after: prev, expectedSeq, seen: 0 };
      return true;
    }
    this.#accept(entry);
    return true;
  }

  /** The verdict over everything pushed so far. */
  verdict(): ChainVerdict {
    if (this.#suspect) this.#conclude();
    if (this.#broken) return { ok: false, checked: this.#length, broken: this.#broken };
    return {
      ok: true,
      length: this.#length,
      firstSeq: this.#firstSeq,
      headSeq: this.#prev?.seq ?? null,
      headHash: this.#prev?.hash ?? GENESIS_HASH,
      gaps: this.#gaps,
    };
  }

  #accept(entry: ChainedAuditEntry): void {
    this.#firstSeq ??= entry.seq;
    this.#prev = { seq: entry.seq, hash: entry.hash, id: entry.id };
    this.#length++;
  }

  #settleSuspect(next: ChainedAuditEntry): boolean {
    const suspect = this.#suspect!;
    if (next.hash === suspect.entry.prev_hash || next.seq === suspect.expectedSeq) {
      const { entry } = suspect;
      this.#broken = {
        seq: entry.seq,
        id: entry.id,
        problem: "reordered",
        message: `entry ${entry.seq} (${entry.id}) is out of order: entry ${next.seq} (${next.id}), which comes after it, belongs before it`,
      };
      this.#suspect = undefined;
      return false;
    }
    if (++suspect.seen < LOOKAHEAD) return true;
    this.#conclude();
    return false;
  }

  /** No entry further on explains the broken link: entries were deleted (a seq is missing), or it was relinked. */
  #conclude(): void {
    const { entry, after, expectedSeq } = this.#suspect!;
    this.#suspect = undefined;
    if (entry.seq > expectedSeq) {
      const count = entry.seq - expectedSeq;
      const missing = count === 1 ? `${expectedSeq}` : `${expectedSeq}-${entry.seq - 1}`;
      this.#broken = {
        seq: expectedSeq,
        id: null,
        problem: "deleted",
        message: `entr${count === 1 ? "y" : "ies"} ${missing} ${count === 1 ? "was" : "were"} deleted: entry ${entry.seq} (${entry.id}) does not link to ${after ? `entry ${after.seq}` : "the start of the log"}`,
      };
      return;
    }
    this.#broken = {
      seq: after?.seq ?? entry.seq,
      id: after?.id ?? entry.id,
      problem: "relinked",
      message: after
        ? `entry ${entry.seq} (${entry.id}) does not link to entry ${after.seq} (${after.id}): entry ${after.seq} was edited and given a new hash, or entries were inserted or renumbered`
        : `entry ${entry.seq} (${entry.id}) does not link to the start of the log: entries were inserted before it, or it was given a new hash`,
    };
  }
}

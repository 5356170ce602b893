import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyRateLimitStore } from "@fastify/rate-limit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { openStore, type Store } from "../store/database.js";
import { pruneRateLimits } from "../store/rateLimitRepository.js";
import { storeBackedCounters } from "./rateLimitStore.js";

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "aims-ratelimits-"));
  store = await openStore({ databaseUrl: `sqlite://${join(dir, "aims.db")}`, dataDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One `aims serve`'s counters: its own memory over the shared store. */
const process = (): FastifyRateLimitStore => new (storeBackedCounters(store.db, createLogger("silent")))({});

const HOUR = 3_600_000;

function incr(counters: FastifyRateLimitStore, max: number, key = "key:k|api"): Promise<number> {
  return new Promise((resolve, reject) =>
    counters.incr(key, (err, res) => (err ? reject(err) : resolve(res!.current)), HOUR, max),
  );
}

async function storedCount(key = "key:k|api"): Promise<number> {
  const rows = await store.db.selectFrom("rate_limits").select("count").where("key", "=", key).execute();
  return rows.reduce((sum, r) => sum + r.count, 0);
}

describe("the store-backed rate-limit counters", () => {
  it("give two processes spending one budget the numbers 1, 2, 3 … in turn (limits under 100: exact)", async () => {
    const [a, b] = [process(), process()];
    const numbers = [];
    for (let i = 0; i < 8; i++) numbers.push(await incr(i % 2 ? b : a, 50));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("never let in more than the limit, however many requests two processes count at once", async () => {
    const [a, b] = [process(), process()];
    const numbers = await Promise.all(Array.from({ length: 1200 }, (_, i) => incr(i % 2 ? b : a, 500)));
    const admitted = numbers.filter((n) => n <= 500);
    // Each number within the limit went to one request only, and every one went: both processes kept asking.
    expect(new Set(admitted).size).toBe(admitted.length);
    expect(admitted.length).toBe(500);
  });

  it("take blocks when spent fast, so most requests make no write", async () => {
    let writes = 0;
    const counted = store.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === "InsertQueryNode") writes++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const a = new (storeBackedCounters(counted, createLogger("silent")))({});
    const numbers = [];
    for (let i = 0; i < 1000; i++) numbers.push(await incr(a, 100_000));
    expect(numbers).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    // Blocks of 1, 2, 4 … 64, then 100 (2% of the limit, at most 100): 16 writes for 1000 requests.
    expect(writes).toBe(16);
  });

  it("refuse without writing once a window's numbers are past the limit", async () => {
    const a = process();
    const numbers = [];
    for (let i = 0; i < 12; i++) numbers.push(await incr(a, 3));
    expect(numbers.slice(0, 3)).toEqual([1, 2, 3]);
    expect(numbers.slice(3).every((n) => n > 3)).toBe(true);
    // The third took the last number within the limit: the nine after it were refused from memory.
    expect(await storedCount()).toBe(3);
  });

  it("keep budgets apart by key", async () => {
    const a = process();
    await incr(a, 5, "key:a|api");
    await incr(a, 5, "key:a|api");
    expect(await incr(a, 5, "key:b|api")).toBe(1);
    expect(await incr(a, 5, "key:a|tenant:t")).toBe(1);
  });

  it("delete only windows that have ended", async () => {
    await store.db
      .insertInto("rate_limits")
      .values([
        { key: "k", window_start: 0, count: 3, expires_at: 1000 },
        { key: "k", window_start: 1000, count: 2, expires_at: 2000 },
      ])
      .execute();
    await pruneRateLimits(store.db, 1500);
    expect(await store.db.selectFrom("rate_limits").select("window_start").execute()).toEqual([
      { window_start: 1000 },
    ]);
  });
});

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { interpret } from "../../src/ai/intent/interpret.js";
import { CORPUS_DIR, evaluateCorpus } from "./evaluate.js";

/**
 * The held-back corpus: 60 requests written by someone who had seen neither the engine nor the training
 * corpus, committed before the engine was built. Nobody reads its failing cases (evaluateCorpus returns counts
 * only for it) and nobody tunes on it. The goal is 95%; the floor asserted here is what the engine measured
 * when it was first run (47/60 = 78.3% on 2026-12-01), so a change that makes unseen requests worse fails.
 */
describe("the held-back corpus", () => {
  it("is understood at least as well as when it was first measured", () => {
    const score = evaluateCorpus(resolve(CORPUS_DIR, "heldback.yaml"), interpret);
    expect(score.total).toBe(60);
    expect(score.failures).toEqual([]);
    expect(score.accuracy).toBeGreaterThanOrEqual(47 / 60);
  });
});

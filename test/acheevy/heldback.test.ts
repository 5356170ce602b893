import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { interpret } from "../../src/ai/intent/interpret.js";
import { CORPUS_DIR, evaluateCorpus } from "./evaluate.js";

/**
 * The held-back corpus: 60 requests written by someone who had seen neither the engine nor the training
 * corpus, committed before the engine was built. Nobody reads its failing cases (evaluateCorpus returns counts
 * only for it) and nobody tunes on it. The goal is 95%. It has been measured twice, counts only: 47/60 when the
 * engine was first built, 50/60 after tuning on a second independently written batch (train-2.yaml). The floor
 * asserted is the last measurement, so a change that makes unseen requests worse fails.
 */
describe("the held-back corpus", () => {
  it("is understood at least as well as when it was first measured", () => {
    const score = evaluateCorpus(resolve(CORPUS_DIR, "heldback.yaml"), interpret);
    expect(score.total).toBe(60);
    expect(score.failures).toEqual([]);
    expect(score.accuracy).toBeGreaterThanOrEqual(50 / 60);
  });
});

import { describe, expectTypeOf, it } from "vitest";
import type { OperationContext, ReconcilerContext } from "./context.js";
import type { Platform } from "./platform.js";
import type { ProxyDriver } from "./proxy/ProxyDriver.js";
import type { Routes } from "./proxy/routeSync.js";
import type { RuntimeDriver } from "./runtime/RuntimeDriver.js";

/** Anything that reaches the engine or the proxy. */
type DriverLike = RuntimeDriver | ProxyDriver | Routes;

/** Keys of T whose value is a driver, or a function that hands one out. */
type KeysReachingADriver<T> = {
  [K in keyof T]-?: T[K] extends DriverLike
    ? K
    : T[K] extends (...args: never[]) => infer R
      ? Awaited<R> extends DriverLike
        ? K
        : never
      : never;
}[keyof T];

// Checked by `tsc` (npm run typecheck): these fail to compile when a driver leaks into the wrong context.
describe("contexts", () => {
  it("an operation context holds no driver and no way to get one", () => {
    expectTypeOf<KeysReachingADriver<OperationContext>>().toEqualTypeOf<never>();
  });

  it("the reconciler context is where the drivers are (the check above can see them)", () => {
    expectTypeOf<KeysReachingADriver<ReconcilerContext>>().toEqualTypeOf<"runtime" | "proxy">();
  });

  it("the platform an entry holds reaches drivers only through reconciler()", () => {
    expectTypeOf<KeysReachingADriver<Platform>>().toEqualTypeOf<never>();
    expectTypeOf<Platform["reconciler"]>().returns.resolves.toEqualTypeOf<ReconcilerContext>();
  });
});

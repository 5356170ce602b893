import { type DependencyList, useCallback, useEffect, useRef, useState } from "react";
import { messageOf } from "../api/errors";

export interface Resource<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  /** Loads again (after a change, or when an event says something changed); keeps showing the old data meanwhile. */
  reload(): void;
  /** Replaces the data without asking the API (an answer already carried it). */
  set(value: T): void;
}

/**
 * Loads something from the API when the component shows and whenever `deps` change; an answer that arrives
 * after the deps changed is dropped. Errors are the API's message.
 * @example const plugs = useResource(() => must(api.GET("/v1/plugs")), []);
 */
export function useResource<T>(load: () => Promise<T>, deps: DependencyList): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const key = useDepsKey(deps);
  const current = useRef({ load, key });
  current.current = { load, key };
  const run = useCallback((forKey: number) => {
    const mine = ++generation.current;
    setLoading(true);
    current.current.load().then(
      (value) => {
        // An answer for other deps (the page moved on) or overtaken by a later load is dropped.
        if (mine !== generation.current || forKey !== current.current.key) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== generation.current || forKey !== current.current.key) return;
        setError(messageOf(err));
        setLoading(false);
      },
    );
  }, []);
  useEffect(() => {
    setData(undefined);
    run(key);
    return () => {
      generation.current++;
    };
  }, [run, key]);
  const reload = useCallback(() => run(current.current.key), [run]);
  return { data, error, loading, reload, set: setData };
}

/** A number that changes whenever one of `deps` does (compared as React compares a hook's deps). */
function useDepsKey(deps: DependencyList): number {
  const seen = useRef({ deps, key: 0 });
  const before = seen.current.deps;
  if (deps.length !== before.length || deps.some((d, i) => !Object.is(d, before[i])))
    seen.current = { deps, key: seen.current.key + 1 };
  return seen.current.key;
}

/**
 * Every page of a list route, followed by its `nextCursor` (the API's pages hold at most 200 items).
 * @example await allPages((cursor) => must(api.GET("/v1/tenants", { params: { query: { limit: 200, cursor } } })))
 */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const next = await page(cursor);
    items.push(...next.items);
    if (!next.nextCursor) break;
    cursor = next.nextCursor;
  }
  return items;
}

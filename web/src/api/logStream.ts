import { signedOut } from "./client";
import { ApiError, apiErrorOf } from "./errors";

export interface LogStreamOptions {
  tenant: string;
  name: string;
  /** Lines per container to start from (0–10000). */
  tail: number;
  onLines(lines: string[]): void;
  /** The stream ended: the instance stopped (its last line says so), or the connection dropped. */
  onEnd(error?: ApiError): void;
}

/**
 * Follows an instance's logs (`GET …/logs?follow=true`, text/plain) and hands over whole lines as they arrive;
 * AIMS's own notes (a restart followed, the end) are lines starting `aims: `. Returns the function that stops.
 */
export function followLogs(options: LogStreamOptions): () => void {
  const abort = new AbortController();
  const url = `/v1/tenants/${encodeURIComponent(options.tenant)}/instances/${encodeURIComponent(options.name)}/logs?tail=${options.tail}&follow=true`;
  void (async () => {
    try {
      const response = await fetch(url, { signal: abort.signal, headers: { accept: "text/plain" } });
      if (response.status === 401) signedOut();
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => undefined);
        return options.onEnd(apiErrorOf(body, response));
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let partial = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parts = (partial + value).split("\n");
        partial = parts.pop() ?? "";
        if (parts.length) options.onLines(parts);
      }
      if (partial) options.onLines([partial]);
      options.onEnd();
    } catch (err) {
      if (abort.signal.aborted) return;
      options.onEnd(
        err instanceof ApiError ? err : new ApiError("the log stream was interrupted", "unavailable", 0),
      );
    }
  })();
  return () => abort.abort();
}

import { signedOut } from "./client";
import type { EventView } from "./types";

/** Where a stream is: connecting, live, or waiting to reconnect after a drop. */
export type StreamState = "connecting" | "live" | "reconnecting";

export interface EventStreamOptions {
  /** `instance.*` style topics (GET /v1/events?topics=). */
  topics: string;
  tenant?: string;
  onEvent(event: EventView): void;
  onState?(state: StreamState): void;
}

/** One parsed SSE frame's fields. */
interface Frame {
  id?: string;
  data: string[];
}

/**
 * Follows `GET /v1/events` as server-sent events with the session cookie (fetch, so every event type arrives,
 * named or not). When the connection drops (aims serve restarting) it reconnects after the server's `retry:`
 * with `Last-Event-ID`, so no event is lost or seen twice. A 401 means the session ended; a 404 or 403 that
 * the tenant is no longer visible: both stop it. Returns the function that closes it.
 */
export function openEventStream(options: EventStreamOptions): () => void {
  const abort = new AbortController();
  let lastEventId: string | undefined;
  let retryMs = 2000;
  const query = new URLSearchParams({ topics: options.topics });
  if (options.tenant) query.set("tenant", options.tenant);

  const deliver = (frame: Frame) => {
    if (frame.id !== undefined) lastEventId = frame.id;
    if (!frame.data.length) return;
    try {
      options.onEvent(JSON.parse(frame.data.join("\n")) as EventView);
    } catch {
      // A frame that is not an event view (none are sent today) is skipped.
    }
  };

  const run = async () => {
    while (!abort.signal.aborted) {
      options.onState?.("connecting");
      try {
        const response = await fetch(`/v1/events?${query}`, {
          headers: { accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
          signal: abort.signal,
        });
        if (response.status === 401) return signedOut();
        if (!response.ok || !response.body) {
          if (response.status >= 400 && response.status < 500 && response.status !== 429) return;
          throw new Error(`HTTP ${response.status}`);
        }
        options.onState?.("live");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        let frame: Frame = { data: [] };
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let newline = buffer.indexOf("\n");
          while (newline >= 0) {
            const line = buffer.slice(0, newline).replace(/\r$/, "");
            buffer = buffer.slice(newline + 1);
            if (line === "") {
              deliver(frame);
              frame = { data: [] };
            } else if (!line.startsWith(":")) {
              const colon = line.indexOf(":");
              const field = colon < 0 ? line : line.slice(0, colon);
              const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
              if (field === "data") frame.data.push(text);
              else if (field === "id") frame.id = text;
              else if (field === "retry" && /^\d+$/.test(text)) retryMs = Number(text);
            }
            newline = buffer.indexOf("\n");
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      options.onState?.("reconnecting");
      await new Promise((resume) => setTimeout(resume, retryMs));
    }
  };
  void run();
  return () => abort.abort();
}

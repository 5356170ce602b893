import { setTimeout as sleep } from "node:timers/promises";
import type { EventView } from "../../api/events/eventView.js";
import { AimsError } from "../../domain/errors.js";
import { logNoteOf } from "../../domain/logNotes.js";
import type { EventsRequest, LogsRequest } from "./AimsClient.js";
import type { RemoteApi } from "./RemoteApi.js";
import { sseFrames } from "./sseFrames.js";

const segment = encodeURIComponent;

/** A response body as text chunks; a connection lost while reading is AimsError("unavailable"). */
async function* textOf(api: RemoteApi, response: Response, signal: AbortSignal): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  try {
    for await (const bytes of response.body) yield decoder.decode(bytes as Uint8Array, { stream: true });
  } catch (err) {
    if (signal.aborted) return;
    throw api.unreachable(err, signal);
  }
}

/** Node's fetch gives up on a body that sends nothing for 5 minutes (undici's bodyTimeout). */
function isBodyTimeout(err: unknown): boolean {
  return (err as { cause?: { code?: string } }).cause?.code === "UND_ERR_BODY_TIMEOUT";
}

/**
 * `GET …/logs` (text/plain, streamed with follow=true): written through line by line as it arrives, AIMS's
 * own notes in it (`aims: web-1 restarted; …`) to `notice`. A followed instance that logs nothing for 5
 * minutes trips fetch's body timeout: the stream is opened again from that point.
 */
export async function streamRemoteLogs(
  api: RemoteApi,
  request: LogsRequest,
  write: (text: string) => void,
  notice: (message: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const path = `/v1/tenants/${segment(request.tenant)}/instances/${segment(request.name)}/logs`;
  let tail = request.tail;
  let pending = "";
  const deliver = (line: string) => {
    const note = logNoteOf(line);
    if (note === undefined) write(line);
    else notice(note);
  };
  for (;;) {
    try {
      const response = await api.send("GET", path, {
        query: { tail, follow: request.follow },
        headers: { accept: "text/plain" },
        signal,
      });
      if (!response.body) return;
      const decoder = new TextDecoder();
      for await (const bytes of response.body) {
        const lines = (pending + decoder.decode(bytes as Uint8Array, { stream: true })).split(/(?<=\n)/);
        pending = lines.at(-1)?.endsWith("\n") ? "" : (lines.pop() ?? "");
        lines.forEach(deliver);
      }
      if (pending) deliver(pending);
      return;
    } catch (err) {
      if (signal.aborted) return;
      if (!(request.follow && isBodyTimeout(err))) throw api.unreachable(err, signal);
      tail = 0;
    }
  }
}

/**
 * Which `topics` narrow a type prefix on the server: the prefix up to its last dot as `x.*` (the rest is
 * matched here, so `instance.rea` works like on the host); no filter when that is not a valid topic.
 */
export function topicFor(prefix: string | undefined): string | undefined {
  if (!prefix) return undefined;
  const dotted = prefix.slice(0, prefix.lastIndexOf(".") + 1);
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.$/.test(dotted) ? `${dotted}*` : undefined;
}

/**
 * The event log through `GET /v1/events`: JSON pages, or with `follow` a server-sent event stream from the
 * first event on. A dropped stream reconnects with Last-Event-ID, so nothing is lost or printed twice.
 */
export async function streamRemoteEvents(
  api: RemoteApi,
  request: EventsRequest,
  onEvent: (event: EventView) => void,
  signal: AbortSignal,
  notice: (message: string) => void,
): Promise<void> {
  const query = { tenant: request.tenant, topics: topicFor(request.typePrefix) };
  const deliver = (event: EventView) => {
    if (!request.typePrefix || event.type.startsWith(request.typePrefix)) onEvent(event);
  };
  if (!request.follow) {
    let cursor: string | undefined;
    do {
      const { body } = await api.json<{ items: EventView[]; nextCursor: string | null }>(
        "GET",
        "/v1/events",
        {
          query: { ...query, limit: 200, cursor },
          signal,
        },
      );
      body.items.forEach(deliver);
      cursor = body.nextCursor ?? undefined;
    } while (cursor !== undefined && !signal.aborted);
    return;
  }
  let lastId = "0";
  let retryMs = 2000;
  let connected = false;
  let lost = false;
  while (!signal.aborted) {
    try {
      const response = await api.send("GET", "/v1/events", {
        query,
        headers: { accept: "text/event-stream", "last-event-id": lastId },
        signal,
      });
      if (lost) notice(`reconnected to AIMS at ${api.url}; resuming after event ${lastId}`);
      connected = true;
      lost = false;
      for await (const frame of sseFrames(textOf(api, response, signal))) {
        if (frame.retry !== undefined) retryMs = Math.min(Math.max(frame.retry, 250), 30_000);
        if (frame.data === undefined) continue;
        deliver(JSON.parse(frame.data) as EventView);
        if (frame.id) lastId = frame.id;
      }
    } catch (err) {
      if (signal.aborted) return;
      // Only a lost connection is worth a retry, and only once the stream has worked.
      if (!connected || !(err instanceof AimsError) || err.code !== "unavailable") throw err;
    }
    if (signal.aborted) return;
    if (!lost) notice(`lost AIMS at ${api.url}; reconnecting every ${retryMs} ms (Ctrl-C to stop)`);
    lost = true;
    await sleep(retryMs, undefined, { signal }).catch(() => undefined);
  }
}

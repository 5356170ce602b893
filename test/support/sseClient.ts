import { type ClientRequest, request } from "node:http";

export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

/** A minimal server-sent events client over node:http: parses frames, counts comment lines (heartbeats). */
export interface SseClient {
  status: Promise<number>;
  events: SseEvent[];
  comments: number;
  /** Resolves once at least `n` events arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForComment(timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a stream; `headers` carry the credential and, to resume, Last-Event-ID. */
export function openSse(url: string, headers: Record<string, string>): SseClient {
  const events: SseEvent[] = [];
  let comments = 0;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  let req: ClientRequest;
  let markEnded: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const status = new Promise<number>((resolve, reject) => {
    req = request(url, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding("utf8");
      let buffer = "";
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split("\n")) {
            if (line.startsWith(":")) comments++;
            const colon = line.indexOf(": ");
            if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 2);
          }
          if (fields.data !== undefined)
            events.push({ id: fields.id ?? "", event: fields.event ?? "message", data: fields.data });
        }
        notify();
      });
      res.on("error", () => undefined);
      res.on("end", () => markEnded());
      res.on("close", () => markEnded());
    });
    req.on("error", reject);
    req.end();
  });
  const until = (done: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what} (have ${events.length} events)`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  return {
    status,
    events,
    ended,
    get comments() {
      return comments;
    },
    async waitFor(n, timeoutMs = 5000) {
      await until(() => events.length >= n, timeoutMs, `${n} events`);
      return events;
    },
    async waitForComment(timeoutMs = 5000) {
      const seen = comments;
      await until(() => comments > seen, timeoutMs, "a heartbeat");
    },
    close() {
      req.destroy();
    },
  };
}

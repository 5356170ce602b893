import { type ClientRequest, request } from "node:http";

/** A streamed text answer (followed logs, or any stream read as plain text) collected as it arrives. */
export interface TextStream {
  status: Promise<number>;
  readonly text: string;
  /** Resolves once the text so far matches `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves when the server ends the answer (or the connection closes). */
  ended: Promise<void>;
  close(): void;
}

/** Opens a GET whose answer keeps streaming; `headers` carry the credential. */
export function openText(url: string, headers: Record<string, string>): TextStream {
  let text = "";
  const waiters = new Set<() => void>();
  let markEnded: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  let req: ClientRequest;
  const status = new Promise<number>((resolve, reject) => {
    req = request(url, { headers }, (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        for (const w of waiters) w();
      });
      res.on("error", () => undefined);
      res.on("end", () => markEnded());
      res.on("close", () => markEnded());
    });
    req.on("error", reject);
    req.end();
  });
  return {
    status,
    ended,
    get text() {
      return text;
    },
    waitFor(pattern) {
      return new Promise<void>((resolve) => {
        const check = () => {
          if (!pattern.test(text)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      req.destroy();
    },
  };
}

/** Which of the named promises settles first: for "the stream ends before the next line arrives". */
export function firstOf(outcomes: Record<string, Promise<unknown>>): Promise<string> {
  return Promise.race(Object.entries(outcomes).map(([name, p]) => p.then(() => name)));
}

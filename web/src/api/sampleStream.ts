import { signedOut } from "./client";

/** One live sample, as `GET …/metrics` with Accept: text/event-stream sends it (`event: sample`). */
export interface LiveSample {
  at: string;
  service: string;
  replica: number;
  cpuCores: number | null;
  cpuLimitCores: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/**
 * Follows an instance's live samples (server-sent events with the session cookie); after a dropped connection it
 * reconnects in 2 s (samples missed meanwhile are in the store: reload the page's series for them). A 401 ends the
 * session, another 4xx stops. Returns the function that closes it.
 */
export function followSamples(tenant: string, name: string, onSample: (s: LiveSample) => void): () => void {
  const abort = new AbortController();
  const url = `/v1/tenants/${encodeURIComponent(tenant)}/instances/${encodeURIComponent(name)}/metrics`;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const response = await fetch(url, { headers: { accept: "text/event-stream" }, signal: abort.signal });
        if (response.status === 401) return signedOut();
        if (response.status >= 400 && response.status < 500 && response.status !== 429) return;
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const frame = buffer.slice(0, end).split("\n");
            buffer = buffer.slice(end + 2);
            const data = frame.find((line) => line.startsWith("data: "));
            if (frame.includes("event: sample") && data) onSample(JSON.parse(data.slice(6)) as LiveSample);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void run();
  return () => abort.abort();
}

import { request } from "node:http";

/**
 * Child process of the API benchmark: opens N event streams (each its own socket), reports "ready", then
 * records for every event the delay between `data.t0` (set by the writer, epoch ms) and its arrival here.
 * Run with a raised `ulimit -n`. Messages: parent → { expect: count } ; child → { ready } | { latencies }.
 */
const [url, key, countText] = process.argv.slice(2);
const count = Number(countText);
const now = () => performance.timeOrigin + performance.now();
const latencies: number[] = [];
let expected = Number.POSITIVE_INFINITY;
let received = 0;

function finishIfDone() {
  if (received >= expected) {
    // The parent ends this process once it has the numbers.
    process.send?.({ latencies });
    expected = Number.POSITIVE_INFINITY;
  }
}

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url!,
      { agent: false, headers: { accept: "text/event-stream", authorization: `Bearer ${key}` } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
        res.setEncoding("utf8");
        let buffer = "";
        let opened = false;
        res.on("data", (chunk: string) => {
          if (!opened) {
            opened = true;
            resolve();
          }
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame.split("\n").find((l) => l.startsWith("data: "));
            if (!data) continue;
            const t0 = (JSON.parse(data.slice(6)) as { data: { t0?: number } }).data.t0;
            if (t0 !== undefined) {
              latencies.push(now() - t0);
              received++;
            }
          }
          finishIfDone();
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

for (let i = 0; i < count; i += 250)
  await Promise.all(Array.from({ length: Math.min(250, count - i) }, open));
process.on("message", (m: { expect: number }) => {
  expected = m.expect;
  finishIfDone();
});
process.send?.({ ready: true });

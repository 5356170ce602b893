import { connect } from "node:net";

/**
 * Child process of the API benchmark: opens N event streams (each its own socket), reports "ready", then
 * records for every event the delay between `data.t0` (set by the writer, epoch ms) and its arrival here.
 * The benchmark runs several of these, each with its share of the streams. Run with a raised `ulimit -n`.
 * Messages: parent → { expect: count } ; child → { ready } | { latencies }.
 *
 * A load generator, not a full client: it speaks HTTP/1.1 over a bare socket and only looks for each frame's end
 * and its `"t0":`, so the time measured is the server's delivery rather than this process parsing JSON.
 */
const [url, key, countText] = process.argv.slice(2);
const count = Number(countText);
const target = new URL(url!);
const requestText =
  `GET ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n` +
  `accept: text/event-stream\r\nauthorization: Bearer ${key}\r\n\r\n`;
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

/** Records every complete frame's latency in `text` and answers what is left of an incomplete one. */
function readFrames(text: string, arrived: number): string {
  let start = 0;
  for (let end = text.indexOf("\n\n", start); end >= 0; end = text.indexOf("\n\n", start)) {
    const t0 = text.indexOf('"t0":', start);
    if (t0 >= 0 && t0 < end) {
      latencies.push(arrived - Number.parseFloat(text.slice(t0 + 5, end)));
      received++;
    }
    start = end + 2;
  }
  return text.slice(start);
}

/** One buffer for every socket's reads: each read is handled before the next one lands in it. */
const readBuffer = Buffer.alloc(64 * 1024);

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = "";
    let opened = false;
    const socket = connect(
      {
        port: Number(target.port),
        host: target.hostname,
        // Reads straight into `readBuffer`, without a stream: the lightest way node reads a socket.
        onread: {
          buffer: readBuffer,
          callback: (size) => {
            const arrived = now();
            const text = rest + readBuffer.toString("latin1", 0, size);
            if (!opened) {
              opened = true;
              if (!text.startsWith("HTTP/1.1 200")) reject(new Error(`stream answered ${text.slice(0, 12)}`));
              else resolve();
            }
            rest = readFrames(text, arrived);
            finishIfDone();
            return true;
          },
        },
      },
      () => socket.write(requestText),
    );
    socket.on("error", reject);
  });
}

for (let i = 0; i < count; i += 250)
  await Promise.all(Array.from({ length: Math.min(250, count - i) }, open));
process.on("message", (m: { expect: number }) => {
  expected = m.expect;
  finishIfDone();
});
process.send?.({ ready: true });

/** One server-sent event frame; comments (heartbeats) are skipped. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
}

/**
 * Parses a text/event-stream body (chunks of text, split anywhere) into frames, per the WHATWG rules that
 * matter here: `field: value` lines, `:` comments, blank-line separators, repeated `data` joined by newlines.
 * @example for await (const frame of sseFrames(body)) if (frame.data) handle(JSON.parse(frame.data));
 */
export async function* sseFrames(chunks: AsyncIterable<string>): AsyncGenerator<SseFrame> {
  let buffer = "";
  let frame: SseFrame = {};
  let data: string[] = [];
  for await (const chunk of chunks) {
    buffer += chunk;
    for (let end = buffer.search(/\r\n|\r|\n/); end >= 0; end = buffer.search(/\r\n|\r|\n/)) {
      // A CR at the end of a chunk may be the first half of CRLF: wait for the next chunk.
      if (buffer[end] === "\r" && end === buffer.length - 1) break;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
      if (line === "") {
        if (data.length) frame.data = data.join("\n");
        if (Object.keys(frame).length) yield frame;
        frame = {};
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "id") frame.id = value;
      else if (field === "event") frame.event = value;
      else if (field === "retry" && /^\d+$/.test(value)) frame.retry = Number(value);
    }
  }
}

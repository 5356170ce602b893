import { describe, expect, it } from "vitest";
import { sseFrames } from "./sseFrames.js";

async function parse(chunks: string[]) {
  async function* source() {
    yield* chunks;
  }
  const frames = [];
  for await (const frame of sseFrames(source())) frames.push(frame);
  return frames;
}

describe("sseFrames", () => {
  it("parses frames split anywhere, skips heartbeats, keeps retry", async () => {
    const text =
      'retry: 2000\n\nid: 7\nevent: instance.ready\ndata: {"seq":7}\n\n: heartbeat\n\nid: 8\ndata: a\ndata: b\n\n';
    const whole = await parse([text]);
    expect(whole).toEqual([
      { retry: 2000 },
      { id: "7", event: "instance.ready", data: '{"seq":7}' },
      { id: "8", data: "a\nb" },
    ]);
    const bytewise = await parse([...text]);
    expect(bytewise).toEqual(whole);
  });

  it("accepts CRLF line ends and drops an unfinished frame", async () => {
    const text = "id: 1\r\ndata: x\r\n\r\nid: 2\r\ndata: y";
    expect(await parse([text])).toEqual([{ id: "1", data: "x" }]);
    expect(await parse([...text])).toEqual([{ id: "1", data: "x" }]);
  });
});

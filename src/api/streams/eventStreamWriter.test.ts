import { createServer, get, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EventStreamWriter, WireFrame } from "./eventStreamWriter.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server on `port` that answers every request with an event-stream head and hands the response to `stream`. */
function serve(port: number, stream: (res: ServerResponse) => void): Promise<void> {
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
    stream(res);
  });
  return new Promise((resolve) => server!.listen(port, "127.0.0.1", resolve));
}

const hello = new WireFrame("data: héllo\n\n");
const bye = new WireFrame("event: bye\ndata: {}\n\n");
/** What a client reads from the frames the first test writes: a single one, a batch of two, a single one. */
const frames = "data: héllo\n\ndata: héllo\n\nevent: bye\ndata: {}\n\nevent: bye\ndata: {}\n\n";

describe("event stream writer", () => {
  it("writes the same frames that an HTTP/1.1 client decodes from chunks and an HTTP/1.0 client reads as they are", async () => {
    await serve(59001, (res) => {
      const writer = new EventStreamWriter(res, 1024 * 1024);
      writer.send(hello);
      writer.queue(hello);
      writer.queue(bye);
      writer.flush();
      writer.send(bye);
      writer.end();
    });
    const chunked = await new Promise<{ encoding: unknown; body: string }>((resolve, reject) =>
      get("http://127.0.0.1:59001/", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ encoding: res.headers["transfer-encoding"], body }));
      }).on("error", reject),
    );
    expect(chunked).toEqual({ encoding: "chunked", body: frames });

    const plain = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect(59001, "127.0.0.1", () => socket.write("GET / HTTP/1.0\r\n\r\n"));
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      socket.on("error", reject);
    });
    expect(plain.split("\r\n\r\n")[1]).toBe(frames);
  });

  it("keeps a pipelined stream's frames behind the answer before it on the same connection", async () => {
    let answerFirst: () => void = () => undefined;
    server = createServer((req, res) => {
      if (req.url === "/first") {
        answerFirst = () => res.end("first");
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      const writer = new EventStreamWriter(res, 1024 * 1024);
      writer.send(hello);
      writer.queue(hello);
      writer.queue(bye);
      writer.flush();
      writer.send(bye);
      writer.end();
      answerFirst();
    });
    await new Promise<void>((resolve) => server!.listen(59003, "127.0.0.1", resolve));
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect(59003, "127.0.0.1", () =>
        socket.write(
          "GET /first HTTP/1.1\r\nhost: x\r\n\r\nGET /stream HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        ),
      );
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      socket.on("error", reject);
    });
    const [, first, second] = text.split(/HTTP\/1\.1 200 OK\r\n/);
    expect(first).toContain("first");
    const body = second!.split("\r\n\r\n").slice(1).join("\r\n\r\n");
    // The chunked body, decoded by hand: size lines and CRLFs dropped.
    const decoded = body
      .split("\r\n")
      .filter((_, i) => i % 2 === 1)
      .join("");
    expect(decoded).toBe(frames);
  });

  it("drops a stream whose client stops reading once the unsent bytes pass the limit, and holds no more", async () => {
    const limit = 256 * 1024;
    const big = new WireFrame(`data: ${"x".repeat(64 * 1024)}\n\n`);
    let mostQueued = 0;
    let giveUp: (res: ServerResponse) => void = () => undefined;
    const dropped = new Promise<ServerResponse>((resolve) => (giveUp = resolve));
    await serve(59002, (res) => {
      const writer = new EventStreamWriter(res, limit);
      // One frame per turn of the event loop, as events arrive, until the writer gives up on this client.
      const next = () => {
        mostQueued = Math.max(mostQueued, res.writableLength);
        if (writer.send(big)) setImmediate(next);
        else giveUp(res);
      };
      next();
    });
    const socket = connect(59002, "127.0.0.1", () => {
      socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
      socket.pause(); // reads nothing: the kernel's buffers fill, then the server's
    });
    socket.on("error", () => undefined);
    const res = await dropped;
    socket.destroy();
    expect(res.destroyed).toBe(true);
    expect(mostQueued).toBeLessThanOrEqual(limit + 2 * 64 * 1024);
  });
});

import { createServer, type Socket } from "node:net";

/**
 * The SSE benchmark's baseline: a bare node TCP server that answers any request with an event-stream head and
 * then writes each event, framed once as one HTTP/1.1 chunk, to every open socket in one loop. No store, no
 * routing, no per-stream checks: what node and the kernel cost to hand one frame to N sockets on this host.
 */
export async function startBareEventServer() {
  const sockets = new Set<Socket>();
  const chunk = (text: string) => {
    const body = Buffer.from(text);
    return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n")]);
  };
  const head = Buffer.concat([
    Buffer.from("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"),
    chunk("retry: 2000\n\n"),
  ]);
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.once("data", () => {
      socket.write(head);
      sockets.add(socket);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}/`,
    /** Writes one event (the shape AIMS sends, `data` as given) to every socket; answers when the loop is done. */
    send(seq: number, data: unknown): number {
      const view = {
        seq,
        id: String(seq).padStart(26, "0"), // as long as a ULID
        type: "bench.tick",
        tenant: null,
        subject: null,
        time: new Date().toISOString(),
        data,
      };
      const frame = chunk(`id: ${seq}\nevent: bench.tick\ndata: ${JSON.stringify(view)}\n\n`);
      for (const socket of sockets) socket.write(frame);
      return performance.now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

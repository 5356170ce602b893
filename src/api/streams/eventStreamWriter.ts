import type { ServerResponse } from "node:http";

/**
 * One server-sent event (or comment) as bytes, built once and written as the very same Buffer to every stream:
 * the plain frame for a response without chunked encoding (HTTP/1.0), and the frame as one HTTP/1.1 chunk.
 */
export class WireFrame {
  readonly #text: string;
  #plain: Buffer | undefined;
  #chunk: Buffer | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** The bytes for a response, chunked or not; each form is built on first use. */
  bytes(chunked: boolean): Buffer {
    this.#plain ??= Buffer.from(this.#text, "utf8");
    if (!chunked) return this.#plain;
    this.#chunk ??= Buffer.concat([
      Buffer.from(`${this.#plain.length.toString(16)}\r\n`, "latin1"),
      this.#plain,
      CRLF,
    ]);
    return this.#chunk;
  }
}

const CRLF = Buffer.from("\r\n", "latin1");
/** The end of a chunked body (no trailers). */
const LAST_CHUNK = Buffer.from("0\r\n\r\n", "latin1");

/**
 * Writes frames to one event stream whose head is written (`startEventStream`). Node frames each response `write`
 * as a chunk of its own (copying every frame per stream) and defers it to the end of the tick (one queued call per
 * stream); instead the stream takes the chunk framing over and writes each `WireFrame`'s shared bytes straight to
 * its socket once the response holds it. A batch (the events of one fan-out pass) leaves in at most two socket
 * writes: its first frame at once, the rest corked until `flush`. A stream with more than `maxBuffered` bytes
 * unsent is destroyed, so a client that does not read costs at most that much: it reconnects and resumes from the
 * log.
 */
export class EventStreamWriter {
  readonly #raw: ServerResponse;
  readonly #chunked: boolean;
  readonly #maxBuffered: number;
  #headSent = false;
  #inBatch = 0;

  constructor(raw: ServerResponse, maxBuffered: number) {
    this.#raw = raw;
    this.#maxBuffered = maxBuffered;
    this.#chunked = raw.chunkedEncoding;
    // The head already says `transfer-encoding: chunked` when this is true; from here the chunks are ours.
    raw.chunkedEncoding = false;
  }

  /** Adds a frame to the current batch; false when the stream is gone or was just dropped for being too slow. */
  queue(frame: WireFrame): boolean {
    const raw = this.#raw;
    if (raw.destroyed) return false;
    if (raw.writableLength > this.#maxBuffered) {
      raw.destroy();
      return false;
    }
    const bytes = frame.bytes(this.#chunked);
    // The response writes its head with its first frame. Until it holds its socket (an earlier response on the
    // connection is not done), it buffers frames in order and sends them once it does.
    const socket = raw.socket;
    if (!this.#headSent || !socket) {
      this.#headSent = true;
      raw.write(bytes);
      return true;
    }
    if (++this.#inBatch === 2) socket.cork();
    socket.write(bytes);
    return true;
  }

  /** The batch is complete: what it corked leaves in one socket write. */
  flush(): void {
    if (this.#inBatch > 1) this.#raw.socket?.uncork();
    this.#inBatch = 0;
  }

  /** Writes one frame at once (a heartbeat, a stream's first line); false as for `queue`. */
  send(frame: WireFrame): boolean {
    const written = this.queue(frame);
    this.flush();
    return written;
  }

  /** Ends the body (its last chunk) and the response. */
  end(): void {
    this.flush();
    if (this.#raw.destroyed) return;
    if (this.#chunked) this.#raw.end(LAST_CHUNK);
    else this.#raw.end();
  }
}

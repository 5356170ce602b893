// notes-api: a small JSON API that keeps notes in the Redis service of its own instance. Node built-ins
// only, with a minimal RESP client. Its health endpoint is healthy only while Redis answers PING.
import http from "node:http";
import net from "node:net";

const env = process.env;
const config = {
  port: Number(env.PORT ?? 3000),
  redisHost: env.REDIS_HOST || "redis",
  redisPort: Number(env.REDIS_PORT ?? 6379),
  redisPassword: env.REDIS_PASSWORD ?? "",
  listKey: env.NOTES_KEY || "notes",
  title: env.API_TITLE || "Notes",
};
const NOTE_LIMIT = 2000;

function log(level, msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

/** Encodes one command as a RESP array of bulk strings. */
function encode(args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join("")}`;
}

/** Parses one RESP reply at `offset`; returns [value, nextOffset] or undefined when incomplete. */
function parseReply(buf, offset = 0) {
  const end = buf.indexOf("\r\n", offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString("utf8", offset + 1, end);
  const next = end + 2;
  if (type === "+") return [line, next];
  if (type === "-") return [new Error(line), next];
  if (type === ":") return [Number(line), next];
  if (type === "$") {
    const len = Number(line);
    if (len < 0) return [null, next];
    if (buf.length < next + len + 2) return undefined;
    return [buf.toString("utf8", next, next + len), next + len + 2];
  }
  if (type === "*") {
    const count = Number(line);
    const items = [];
    let at = next;
    for (let i = 0; i < count; i++) {
      const parsed = parseReply(buf, at);
      if (!parsed) return undefined;
      items.push(parsed[0]);
      at = parsed[1];
    }
    return [items, at];
  }
  throw new Error(`unexpected RESP type ${type}`);
}

/** Opens a connection, authenticates, runs `commands` in order and returns their replies. */
function redis(commands, timeoutMs = 2000) {
  const all = config.redisPassword ? [["AUTH", config.redisPassword], ...commands] : commands;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: config.redisHost, port: config.redisPort });
    let buf = Buffer.alloc(0);
    const replies = [];
    const fail = (err) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error("redis timed out")));
    socket.on("error", (err) => fail(new Error(`redis ${err.code ?? err.message}`)));
    socket.on("connect", () => socket.write(all.map(encode).join("")));
    socket.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let offset = 0;
      for (let parsed = parseReply(buf, offset); parsed; parsed = parseReply(buf, offset)) {
        replies.push(parsed[0]);
        offset = parsed[1];
      }
      buf = buf.subarray(offset);
      if (replies.length < all.length) return;
      socket.end();
      const failed = replies.find((r) => r instanceof Error);
      if (failed) reject(failed);
      else resolve(replies.slice(all.length - commands.length));
    });
  });
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > NOTE_LIMIT) req.destroy(new Error("too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://api").pathname;
  try {
    if (req.method === "GET" && path === "/healthz") {
      const [pong] = await redis([["PING"]]);
      return send(res, 200, { ok: pong === "PONG" });
    }
    if (req.method === "GET" && path === "/") return send(res, 200, { service: "notes-api", title: config.title });
    if (req.method === "GET" && path === "/notes") {
      const [notes] = await redis([["LRANGE", config.listKey, 0, 99]]);
      return send(res, 200, { notes });
    }
    if (req.method === "POST" && path === "/notes") {
      const text = (await readBody(req).catch(() => "")).trim();
      if (!text) return send(res, 400, { error: `a note is 1-${NOTE_LIMIT} bytes of text` });
      const [count] = await redis([["LPUSH", config.listKey, text]]);
      log("info", "note added", { count });
      return send(res, 201, { count });
    }
    send(res, 404, { error: "not found" });
  } catch (err) {
    log("warn", "request failed", { path, reason: err.message });
    send(res, 503, { error: "storage unavailable" });
  }
});

process.on("SIGTERM", () => {
  server.close();
  process.exit(0);
});
server.listen(config.port, () => log("info", "listening", { port: config.port, redis: config.redisHost }));

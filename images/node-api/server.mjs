// node-api: a small JSON service on Node built-ins only, used to exercise AIMS deploys, volumes and isolation.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { hostname } from "node:os";
import { join } from "node:path";

const PORT = Number(process.env.PORT ?? 3000);
const DATA_DIR = process.env.DATA_DIR ?? "/data";
const FETCH_TIMEOUT_MS = 2000;
const FETCH_BODY_LIMIT = 2048;
const KV_BODY_LIMIT = 64 * 1024;
const KEY_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

const log = (fields) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);

function send(res, status, body, type = "application/json") {
  const text = type === "application/json" ? JSON.stringify(body) : body;
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** GETs `url` with a deadline; the isolation tests use it to probe what this container can reach. */
function probe(url) {
  return new Promise((resolve) => {
    let target;
    try {
      target = new URL(url);
    } catch {
      return resolve({ error: "invalid url" });
    }
    const client = target.protocol === "https:" ? https : target.protocol === "http:" ? http : undefined;
    if (!client) return resolve({ error: "only http and https urls" });
    const req = client.get(target, { timeout: FETCH_TIMEOUT_MS }, (res) => {
      const chunks = [];
      let size = 0;
      res.on("data", (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= FETCH_BODY_LIMIT) res.destroy();
      });
      const done = () =>
        resolve({
          status: res.statusCode,
          body: Buffer.concat(chunks).subarray(0, FETCH_BODY_LIMIT).toString(),
        });
      res.on("end", done);
      res.on("close", done);
    });
    req.on("timeout", () => req.destroy(new Error(`timeout after ${FETCH_TIMEOUT_MS} ms`)));
    req.on("error", (err) => resolve({ error: err.code ? `${err.code}: ${err.message}` : err.message }));
  });
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) reject(Object.assign(new Error("body too large"), { status: 413 }));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function route(req, res, url) {
  if (req.method === "GET" && url.pathname === "/healthz") return send(res, 200, { ok: true });
  if (req.method === "GET" && url.pathname === "/") {
    return send(res, 200, {
      service: "node-api",
      hostname: hostname(),
      greeting: process.env.GREETING ?? "hello",
      tokenConfigured: Boolean(process.env.API_TOKEN),
      uptime: process.uptime(),
    });
  }
  if (req.method === "GET" && url.pathname === "/fetch") {
    const target = url.searchParams.get("url");
    if (!target) return send(res, 400, { error: "missing ?url=" });
    return send(res, 200, await probe(target));
  }
  const kv = /^\/kv\/([^/]+)$/.exec(url.pathname);
  if (kv) {
    const key = decodeURIComponent(kv[1]);
    if (!KEY_PATTERN.test(key)) return send(res, 400, { error: "key must be 1-128 of A-Z a-z 0-9 . _ -" });
    const file = join(DATA_DIR, key);
    if (req.method === "POST" || req.method === "PUT") {
      const body = await readBody(req, KV_BODY_LIMIT);
      await mkdir(DATA_DIR, { recursive: true });
      await writeFile(file, body);
      return send(res, 200, { key, bytes: body.length });
    }
    if (req.method === "GET") {
      try {
        return send(res, 200, await readFile(file, "utf8"), "text/plain; charset=utf-8");
      } catch (err) {
        if (err.code === "ENOENT") return send(res, 404, { error: "not found" });
        throw err;
      }
    }
    return send(res, 405, { error: "method not allowed" });
  }
  return send(res, 404, { error: "not found" });
}

const server = http.createServer(async (req, res) => {
  const started = process.hrtime.bigint();
  const url = new URL(req.url ?? "/", "http://localhost");
  try {
    await route(req, res, url);
  } catch (err) {
    if (!res.headersSent)
      send(res, err.status ?? 500, { error: err.status ? err.message : "internal error" });
    if (!err.status) log({ level: "error", msg: err.message, path: url.pathname });
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // The path only: a query string may carry a caller's URL or token.
  log({ method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
});

server.listen(PORT, () => log({ msg: "listening", port: PORT }));

function shutdown(signal) {
  log({ msg: "shutting down", signal });
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

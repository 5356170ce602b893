// AIMS agent worker: runs one task on a cron schedule and whenever a webhook triggers it, and keeps its
// run history in a small state file on its volume, so the history survives restarts. Node built-ins only.
import { timingSafeEqual } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import http from "node:http";
import { join } from "node:path";
import { nextMatch, parseCron } from "./cron.mjs";

const env = process.env;
const config = {
  port: Number(env.PORT ?? 8080),
  dataDir: env.DATA_DIR ?? "/data",
  schedule: env.SCHEDULE || "*/5 * * * *",
  taskName: env.TASK_NAME || "task",
  taskUrl: env.TASK_URL ?? "",
  webhookToken: env.WEBHOOK_TOKEN ?? "",
  keepRuns: 100,
};
const STATE_FILE = join(config.dataDir, "state.json");
const BODY_LIMIT = 64 * 1024;

function log(level, msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

let state = { version: 1, createdAt: new Date().toISOString(), starts: 0, runCount: 0, runs: [] };
let writing = Promise.resolve();

async function loadState() {
  try {
    state = { ...state, ...JSON.parse(await readFile(STATE_FILE, "utf8")) };
  } catch (err) {
    if (err.code !== "ENOENT") log("warn", "state file unreadable, starting fresh", { reason: err.message });
  }
}

/** Writes the state atomically (temp file + rename), one write at a time. */
function saveState() {
  writing = writing.then(async () => {
    const tmp = `${STATE_FILE}.tmp`;
    await writeFile(tmp, JSON.stringify(state));
    await rename(tmp, STATE_FILE);
  });
  return writing;
}

/** Runs the task once: calls TASK_URL when set, otherwise records the trigger. */
async function runTask(trigger, name, payload) {
  const run = { id: state.runCount + 1, trigger, name, at: new Date().toISOString(), ok: true, detail: "recorded" };
  state.runCount = run.id;
  if (config.taskUrl) {
    try {
      const res = await fetch(config.taskUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ run: run.id, trigger, name, payload }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      run.ok = res.ok;
      run.detail = `task url answered HTTP ${res.status}`;
    } catch (err) {
      run.ok = false;
      run.detail = `task url failed: ${err.cause?.code ?? err.name}`;
    }
  }
  state.runs.push(run);
  state.runs.splice(0, Math.max(0, state.runs.length - config.keepRuns));
  await saveState();
  log(run.ok ? "info" : "warn", "task ran", run);
  return run;
}

function startScheduler() {
  const matches = parseCron(config.schedule);
  let running = false;
  const tick = async () => {
    const now = new Date();
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
    if (running || !matches(new Date(Math.round(now.getTime() / 1000) * 1000))) return;
    running = true;
    await runTask("schedule", config.taskName).finally(() => {
      running = false;
    });
  };
  setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  return matches;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function authorized(req) {
  const given = Buffer.from(String(req.headers.authorization ?? ""));
  const wanted = Buffer.from(`Bearer ${config.webhookToken}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

if (!config.webhookToken) {
  log("error", "WEBHOOK_TOKEN is not set");
  process.exit(2);
}
await mkdir(config.dataDir, { recursive: true });
await loadState();
state.starts += 1;
await saveState();
const matches = startScheduler();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://worker");
  if (req.method === "GET" && url.pathname === "/healthz") {
    const last = state.runs.at(-1);
    return send(res, 200, {
      ok: true,
      schedule: config.schedule,
      starts: state.starts,
      runs: state.runCount,
      lastRunAt: last?.at ?? null,
      nextRunAt: nextMatch(matches, new Date())?.toISOString() ?? null,
    });
  }
  const hook = /^\/hooks\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
  if (req.method === "POST" && hook) {
    if (!authorized(req)) return send(res, 401, { error: "missing or wrong bearer token" });
    const text = await readBody(req).catch(() => undefined);
    if (text === undefined) return send(res, 413, { error: `body larger than ${BODY_LIMIT} bytes` });
    let payload = text;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      // a plain-text payload is kept as text
    }
    return send(res, 202, await runTask("webhook", hook[1], payload));
  }
  if (req.method === "GET" && url.pathname === "/runs") {
    if (!authorized(req)) return send(res, 401, { error: "missing or wrong bearer token" });
    const limit = Math.min(config.keepRuns, Math.max(1, Number(url.searchParams.get("limit") ?? 50)));
    return send(res, 200, { runCount: state.runCount, starts: state.starts, runs: state.runs.slice(-limit) });
  }
  send(res, 404, { error: "not found" });
});

process.on("SIGTERM", async () => {
  log("info", "stopping");
  server.close();
  await writing.catch(() => undefined);
  process.exit(0);
});
server.listen(config.port, () =>
  log("info", "listening", { port: config.port, schedule: config.schedule, starts: state.starts }),
);

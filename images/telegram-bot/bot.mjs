// AIMS Telegram bot: receives messages by long polling (or a webhook), answers each one through an
// OpenAI-compatible chat-completions endpoint, and replies. Node built-ins only; JSON logs on stdout.
// The bot token is part of every Bot API URL, so URLs are never logged: only method names.
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

const env = process.env;
const config = {
  token: env.TELEGRAM_BOT_TOKEN ?? "",
  apiBase: (env.TELEGRAM_API_BASE || "https://api.telegram.org").replace(/\/+$/, ""),
  mode: env.BOT_MODE === "webhook" ? "webhook" : "polling",
  webhookUrl: env.WEBHOOK_URL ?? "",
  webhookSecret: env.WEBHOOK_SECRET ?? "",
  llmBase: (env.LLM_BASE_URL || "https://api.openai.com/v1").replace(/\/+$/, ""),
  llmKey: env.LLM_API_KEY ?? "",
  model: env.LLM_MODEL || "gpt-4o-mini",
  systemPrompt: env.SYSTEM_PROMPT || "You are a helpful assistant. Answer briefly.",
  historyTurns: Math.max(0, Number(env.HISTORY_TURNS ?? 6)),
  port: Number(env.PORT ?? 8080),
  pollTimeoutSeconds: Math.max(0, Number(env.POLL_TIMEOUT_SECONDS ?? 25)),
};

const state = {
  startedAt: new Date().toISOString(),
  bot: undefined,
  lastPollAt: undefined,
  pollFailures: 0,
  updates: 0,
  replies: 0,
  llmFailures: 0,
};

/** Chat id → recent messages, so a conversation keeps a little context (bounded in chats and turns). */
const histories = new Map();
const MAX_CHATS = 500;

function log(level, msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

/** Calls one Bot API method; resolves `result` or throws with the method and Telegram's description. */
async function telegram(method, body, timeoutMs = 15_000) {
  let res;
  try {
    res = await fetch(`${config.apiBase}/bot${config.token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new Error(`${method}: ${err.cause?.code ?? err.name}`);
  }
  const payload = await res.json().catch(() => ({ ok: false, description: `HTTP ${res.status}` }));
  if (!payload.ok) throw new Error(`${method}: ${payload.description ?? `HTTP ${res.status}`}`);
  return payload.result;
}

/** Asks the OpenAI-compatible endpoint for the assistant's answer to `messages`. */
async function complete(messages) {
  const res = await fetch(`${config.llmBase}/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(config.llmKey ? { authorization: `Bearer ${config.llmKey}` } : {}),
    },
    body: JSON.stringify({ model: config.model, messages }),
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`chat/completions answered HTTP ${res.status}`);
  const body = await res.json();
  const text = body?.choices?.[0]?.message?.content;
  if (typeof text !== "string" || !text.trim()) throw new Error("chat/completions gave no message content");
  return text.trim();
}

function historyOf(chatId) {
  let history = histories.get(chatId);
  if (!history) {
    if (histories.size >= MAX_CHATS) histories.delete(histories.keys().next().value);
    history = [];
  }
  histories.delete(chatId);
  histories.set(chatId, history);
  return history;
}

/** Answers one update: commands locally, any other text through the language model. */
async function handleUpdate(update) {
  state.updates += 1;
  const message = update.message;
  if (typeof message?.text !== "string") return;
  const chatId = message.chat?.id;
  const fields = { update: update.update_id, chat: chatId };
  log("info", "message received", { ...fields, length: message.text.length });
  let answer;
  if (/^\/start\b/.test(message.text)) {
    answer = "Hello! Send me a message and I will answer it.";
  } else {
    const history = historyOf(chatId);
    const messages = [
      { role: "system", content: config.systemPrompt },
      ...history,
      { role: "user", content: message.text },
    ];
    try {
      answer = await complete(messages);
      history.push({ role: "user", content: message.text }, { role: "assistant", content: answer });
      history.splice(0, Math.max(0, history.length - config.historyTurns * 2));
    } catch (err) {
      state.llmFailures += 1;
      log("error", "language model call failed", { ...fields, reason: err.message });
      answer = "Sorry, I cannot reach my language model right now. Please try again later.";
    }
  }
  await telegram("sendMessage", {
    chat_id: chatId,
    text: answer.slice(0, 4096),
    reply_to_message_id: message.message_id,
  });
  state.replies += 1;
  log("info", "reply sent", { ...fields, length: answer.length });
}

/** Identifies the bot, retrying with backoff: the health endpoint says not-ready until this succeeds. */
async function identify() {
  for (let attempt = 1; ; attempt++) {
    try {
      state.bot = await telegram("getMe");
      log("info", "bot identified", { username: state.bot.username, mode: config.mode });
      return;
    } catch (err) {
      log("warn", "getMe failed", { attempt, reason: err.message });
      await sleep(Math.min(30_000, 500 * 2 ** attempt));
    }
  }
}

async function poll() {
  await telegram("deleteWebhook", {}).catch((err) => log("warn", "deleteWebhook failed", { reason: err.message }));
  let offset = 0;
  for (;;) {
    try {
      const updates = await telegram(
        "getUpdates",
        { offset, timeout: config.pollTimeoutSeconds, allowed_updates: ["message"] },
        (config.pollTimeoutSeconds + 15) * 1000,
      );
      state.lastPollAt = new Date().toISOString();
      state.pollFailures = 0;
      for (const update of updates) {
        offset = update.update_id + 1;
        await handleUpdate(update).catch((err) =>
          log("error", "update failed", { update: update.update_id, reason: err.message }),
        );
      }
    } catch (err) {
      state.pollFailures += 1;
      log("warn", "getUpdates failed", { failures: state.pollFailures, reason: err.message });
      await sleep(Math.min(30_000, 500 * 2 ** state.pollFailures));
    }
  }
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req, limit = 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch (err) {
        reject(err);
      }
    });
    req.on("error", reject);
  });
}

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://bot").pathname;
  if (req.method === "GET" && path === "/healthz") {
    const healthy = Boolean(state.bot) && state.pollFailures < 5;
    const { bot, ...counters } = state;
    return send(res, healthy ? 200 : 503, { ok: healthy, mode: config.mode, bot: bot?.username, ...counters });
  }
  if (req.method === "POST" && path === "/webhook" && config.mode === "webhook") {
    if (req.headers["x-telegram-bot-api-secret-token"] !== config.webhookSecret)
      return send(res, 401, { ok: false, error: "bad secret token" });
    const update = await readJson(req).catch(() => undefined);
    if (!update) return send(res, 400, { ok: false, error: "invalid JSON" });
    send(res, 200, { ok: true });
    return handleUpdate(update).catch((err) => log("error", "update failed", { reason: err.message }));
  }
  send(res, 404, { ok: false, error: "not found" });
});

if (!config.token) {
  log("error", "TELEGRAM_BOT_TOKEN is not set");
  process.exit(2);
}
if (config.mode === "webhook" && !config.webhookSecret) {
  log("error", "webhook mode needs WEBHOOK_SECRET");
  process.exit(2);
}
process.on("SIGTERM", () => {
  log("info", "stopping");
  server.close();
  process.exit(0);
});
server.listen(config.port, () => log("info", "listening", { port: config.port, mode: config.mode }));
await identify();
if (config.mode === "webhook") {
  if (config.webhookUrl)
    await telegram("setWebhook", {
      url: config.webhookUrl,
      secret_token: config.webhookSecret,
      allowed_updates: ["message"],
    }).then(
      () => log("info", "webhook registered"),
      (err) => log("error", "setWebhook failed", { reason: err.message }),
    );
} else {
  await poll();
}

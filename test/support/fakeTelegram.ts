import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { allowContainersToReach } from "./hostFirewall.js";

/** A message the bot sent with sendMessage. */
export interface SentMessage {
  chat_id: number;
  text: string;
  reply_to_message_id?: number;
}

interface Update {
  update_id: number;
  message: { message_id: number; date: number; chat: { id: number; type: "private" }; text: string };
}

/** A local server speaking the part of the Telegram Bot API the bot uses: getMe, deleteWebhook, getUpdates (long polling), sendMessage. */
export interface FakeTelegram {
  port: number;
  /** Every Bot API method called, in order (token checked, never recorded). */
  calls: string[];
  sent: SentMessage[];
  /** Queues a user's text message for the next getUpdates; returns its message id. */
  pushMessage(chatId: number, text: string): number;
  /** Resolves with the first sent message matching `match`, or rejects after `timeoutMs`. */
  waitForSent(match: (m: SentMessage) => boolean, timeoutMs: number): Promise<SentMessage>;
  close(): Promise<void>;
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      } catch {
        resolve({});
      }
    });
  });
}

/**
 * Starts the fake Bot API on 0.0.0.0 (so containers reach it through the bridge gateway) for one bot token, on
 * `port` (a test's own range) or any free one.
 */
export async function startFakeTelegram(token: string, port = 0): Promise<FakeTelegram> {
  const updates: Update[] = [];
  const sent: SentMessage[] = [];
  const calls: string[] = [];
  let nextUpdate = 1;
  let nextMessage = 100;
  let wake: Array<() => void> = [];
  let sentWaiters: Array<() => void> = [];
  const notify = (list: Array<() => void>) => {
    for (const fn of list) fn();
  };

  const server: Server = createServer(async (req, res) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? "");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: "Not Found" });
    if (match[1] !== token) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;
    calls.push(method);
    const body = await readJson(req);
    if (method === "getMe")
      return reply(200, { ok: true, result: { id: 42, is_bot: true, username: "aims_test_bot" } });
    if (method === "deleteWebhook") return reply(200, { ok: true, result: true });
    if (method === "getUpdates") {
      const offset = Number(body.offset ?? 0);
      const waitMs = Math.min(Number(body.timeout ?? 0), 30) * 1000;
      const pending = () => updates.filter((u) => u.update_id >= offset);
      if (!pending().length && waitMs > 0)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          wake.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      return reply(200, { ok: true, result: pending() });
    }
    if (method === "sendMessage") {
      sent.push({
        chat_id: Number(body.chat_id),
        text: String(body.text),
        ...(body.reply_to_message_id ? { reply_to_message_id: Number(body.reply_to_message_id) } : {}),
      });
      notify(sentWaiters);
      return reply(200, {
        ok: true,
        result: {
          message_id: nextMessage++,
          date: 0,
          chat: { id: body.chat_id, type: "private" },
          text: body.text,
        },
      });
    }
    reply(400, { ok: false, error_code: 400, description: `method ${method} not supported by the fake` });
  });
  await new Promise<void>((resolve) => server.listen(port, "0.0.0.0", resolve));
  // AIMS's host firewall drops container traffic to the host: this fake is opened on purpose.
  const closePort = allowContainersToReach((server.address() as AddressInfo).port);

  return {
    port: (server.address() as AddressInfo).port,
    calls,
    sent,
    pushMessage(chatId, text) {
      const messageId = nextMessage++;
      updates.push({
        update_id: nextUpdate++,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: "private" },
          text,
        },
      });
      const waiting = wake;
      wake = [];
      notify(waiting);
      return messageId;
    },
    waitForSent(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = sent.find(match);
          if (!found) return false;
          clearTimeout(timer);
          sentWaiters = sentWaiters.filter((w) => w !== check);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          sentWaiters = sentWaiters.filter((w) => w !== check);
          reject(new Error(`no matching sendMessage within ${timeoutMs} ms (sent: ${JSON.stringify(sent)})`));
        }, timeoutMs);
        if (!check()) sentWaiters.push(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        closePort();
        notify(wake);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

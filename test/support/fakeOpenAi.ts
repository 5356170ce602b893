import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { allowContainersToReach } from "./hostFirewall.js";

/** One chat-completions request the fake received. */
export interface CompletionRequest {
  authorization: string | undefined;
  model: string;
  messages: Array<{ role: string; content: string }>;
}

/** A local OpenAI-compatible server: POST /v1/chat/completions answers deterministically from the last user message. */
export interface FakeOpenAi {
  port: number;
  requests: CompletionRequest[];
  close(): Promise<void>;
}

/** The answer the fake gives to a user message (tests compare the bot's reply with it). */
export function fakeAnswer(userText: string): string {
  return `The answer to "${userText}" is 42.`;
}

/** Starts the fake on 0.0.0.0 (containers reach it through the bridge gateway). */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: CompletionRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method !== "POST" || req.url !== "/v1/chat/completions")
        return send(404, { error: { message: "not found", type: "invalid_request_error" } });
      let body: { model?: string; messages?: Array<{ role: string; content: string }> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(400, { error: { message: "invalid JSON", type: "invalid_request_error" } });
      }
      const messages = body.messages ?? [];
      requests.push({ authorization: req.headers.authorization, model: String(body.model), messages });
      const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
      send(200, {
        id: `chatcmpl-${requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          { index: 0, message: { role: "assistant", content: fakeAnswer(lastUser) }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  // AIMS's host firewall drops container traffic to the host: this fake is opened on purpose.
  const closePort = allowContainersToReach((server.address() as AddressInfo).port);
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        closePort();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import type { AttemptResult } from "./sendWebhook.js";

/**
 * Sends one message to a Telegram chat through the Bot API at `apiUrl` (configurable, so tests use a local
 * server). The token is in the path, as the Bot API wants it: errors never repeat the URL.
 */
export async function sendTelegram(
  apiUrl: string,
  target: { token: string; chatId: string },
  text: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const chatId = /^-?\d+$/.test(target.chatId) ? Number(target.chatId) : target.chatId;
  try {
    const res = await fetch(`${apiUrl}/bot${target.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: chatId, text, disable_web_page_preview: true }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    const answer = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string };
    if (res.ok && answer.ok) return { ok: true, status: res.status, error: null };
    return {
      ok: false,
      status: res.status,
      error: `Telegram answered HTTP ${res.status}${answer.description ? `: ${answer.description.slice(0, 200)}` : ""}`,
    };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: null, error: `Telegram unreachable: ${cause ?? (err as Error).name}` };
  }
}

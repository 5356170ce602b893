import type { Command } from "commander";
import type * as z from "zod";
import type { AlertView } from "../../alerts/alertMessage.js";
import type { ChannelView, DeliveryView } from "../../alerts/channels.js";
import { addTelegram, addWebhook, removeAlertChannel, sendTestAlert } from "../../alerts/channels.js";
import { listAlertViews, listChannelViews, listDeliveryViews } from "../../alerts/listAlerts.js";
import { addTelegramInput, addWebhookInput } from "../../domain/alertChannels.js";
import { AimsError } from "../../domain/errors.js";
import { formatIssues } from "../../domain/zodIssues.js";
import { hostCaller } from "../../tenancy/principal.js";
import { cliActor, withPlatform } from "../context.js";
import { printJson, printTable } from "../output.js";

const caller = () => hostCaller(cliActor());
const time = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 19) : "-");

/** `aims alerts list`. */
export async function runAlertsList(
  cmd: Command,
  opts: { tenant: string; firing?: boolean; json?: boolean },
) {
  const list = await withPlatform(cmd, (p) =>
    listAlertViews(p, caller(), opts.tenant, { firing: Boolean(opts.firing) }),
  );
  if (opts.json) return printJson(list);
  if (!list.length) {
    process.stdout.write(`no alerts${opts.firing ? " firing" : ""} for tenant ${opts.tenant}\n`);
    return;
  }
  printTable(
    ["ID", "INSTANCE", "RULE", "STATE", "FIRED", "RESOLVED", "REASON"],
    list.map((a: AlertView) => [
      a.id,
      a.subject ? `${a.instance} (${a.subject})` : a.instance,
      a.rule,
      a.state,
      time(a.firedAt),
      time(a.resolvedAt),
      a.reason,
    ]),
  );
}

/** `aims alerts test`. */
export async function runAlertsTest(cmd: Command, opts: { tenant: string; json?: boolean }) {
  const result = await withPlatform(cmd, (p) => sendTestAlert(p, caller(), opts.tenant));
  if (opts.json) return printJson(result);
  process.stdout.write(
    `test message queued for ${result.channels} channel(s) of tenant ${opts.tenant}; aims serve delivers it (see aims webhooks deliveries)\n`,
  );
}

/** `aims webhooks add <url>`: prints the signing secret this once. */
export async function runWebhookAdd(
  cmd: Command,
  url: string,
  opts: { tenant: string; label?: string; json?: boolean },
) {
  const input = parse(
    addWebhookInput,
    { url, ...(opts.label ? { name: opts.label } : {}) },
    { url: "<url>", name: "--label" },
  );
  const { view, secret } = await withPlatform(cmd, (p) => addWebhook(p, caller(), opts.tenant, input));
  if (opts.json) return printJson({ ...view, secret });
  process.stdout.write(
    `added webhook ${view.id} (${view.url})\nsigning secret (shown once, keep it with the receiver): ${secret}\n`,
  );
}

/** `aims alerts telegram add`: the bot token comes from standard input. */
export async function runTelegramAdd(cmd: Command, opts: { tenant: string; chatId: string; json?: boolean }) {
  if (process.stdin.isTTY) process.stderr.write("bot token (from BotFather), then Enter: ");
  const botToken = (await readStdin()).trim();
  const input = parse(
    addTelegramInput,
    { chatId: opts.chatId, botToken },
    { chatId: "--chat-id", botToken: "the bot token on standard input" },
  );
  const view = await withPlatform(cmd, (p) => addTelegram(p, caller(), opts.tenant, input));
  if (opts.json) return printJson(view);
  process.stdout.write(`added Telegram chat ${view.chatId} as channel ${view.id}\n`);
}

/** `aims webhooks list`, `aims alerts telegram list`. */
export async function runChannelList(
  cmd: Command,
  kind: "webhook" | "telegram",
  opts: { tenant: string; json?: boolean },
) {
  const list = await withPlatform(cmd, (p) => listChannelViews(p, caller(), opts.tenant, kind));
  if (opts.json) return printJson(list);
  if (!list.length) {
    process.stdout.write(
      `no ${kind === "webhook" ? "webhooks" : "Telegram chats"} for tenant ${opts.tenant}\n`,
    );
    return;
  }
  printTable(
    ["ID", "NAME", kind === "webhook" ? "URL" : "CHAT", "CREATED"],
    list.map((c: ChannelView) => [
      c.id,
      c.name,
      (kind === "webhook" ? c.url : c.chatId) ?? "",
      time(c.createdAt),
    ]),
  );
}

/** `aims webhooks rm`, `aims alerts telegram rm`. */
export async function runChannelRemove(
  cmd: Command,
  kind: "webhook" | "telegram",
  id: string,
  opts: { tenant: string; json?: boolean },
) {
  const removed = await withPlatform(cmd, (p) => removeAlertChannel(p, caller(), opts.tenant, kind, id));
  if (opts.json) return printJson({ ...removed, removed: true });
  process.stdout.write(`removed ${kind === "webhook" ? "webhook" : "Telegram chat"} ${removed.id}\n`);
}

/** `aims webhooks deliveries`. */
export async function runDeliveries(
  cmd: Command,
  opts: { tenant: string; channel?: string; json?: boolean },
) {
  const list = await withPlatform(cmd, (p) =>
    listDeliveryViews(p, caller(), opts.tenant, opts.channel ? { channelId: opts.channel } : {}),
  );
  if (opts.json) return printJson(list);
  if (!list.length) {
    process.stdout.write(`no deliveries for tenant ${opts.tenant}\n`);
    return;
  }
  printTable(
    ["ID", "CHANNEL", "EVENT", "STATUS", "ATTEMPTS", "LAST ANSWER", "CREATED"],
    list.map((d: DeliveryView) => [
      d.id,
      d.channelId,
      d.event,
      d.status === "pending" && d.nextAttemptAt ? `pending (next ${time(d.nextAttemptAt)})` : d.status,
      String(d.attempts),
      d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "-"),
      time(d.createdAt),
    ]),
  );
}

/** Parses what a command was given with the API's schema, naming the flag or argument that is wrong. */
function parse<S extends z.ZodType>(schema: S, value: unknown, names: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AimsError(
    "invalid_input",
    formatIssues(parsed.error, { fieldName: (path) => names[String(path[0])] ?? path.join(".") }),
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

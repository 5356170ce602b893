import type { Command } from "commander";

/**
 * `aims alerts list|test|telegram` and `aims webhooks add|list|rm|deliveries`: a tenant's alerts and the channels
 * they go to (docs/alerts.md). Alerts are evaluated and delivered by `aims serve`.
 */
export function registerAlerts(program: Command): void {
  const alerts = program
    .command("alerts")
    .description("a tenant's alerts (OOM kills, crash loops, zombies, ...), a test message, Telegram chats");
  alerts
    .command("list")
    .description("alerts that fired, newest first, with what to do about each")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--firing", "only alerts still firing")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; firing?: boolean; json?: boolean }) {
      const { runAlertsList } = await import("../actions/alerts.js");
      await runAlertsList(this, opts);
    });
  alerts
    .command("test")
    .description("queue a test message to every channel of the tenant (aims serve delivers it)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; json?: boolean }) {
      const { runAlertsTest } = await import("../actions/alerts.js");
      await runAlertsTest(this, opts);
    });
  const telegram = alerts.command("telegram").description("Telegram chats that alerts go to");
  telegram
    .command("add")
    .description("add a chat; the bot token is read from standard input (never a flag: flags show in ps)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .requiredOption("--chat-id <id>", "the chat: a numeric id (negative for a group) or @channelname")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; chatId: string; json?: boolean }) {
      const { runTelegramAdd } = await import("../actions/alerts.js");
      await runTelegramAdd(this, opts);
    });
  telegram
    .command("list")
    .description("the tenant's Telegram chats")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; json?: boolean }) {
      const { runChannelList } = await import("../actions/alerts.js");
      await runChannelList(this, "telegram", opts);
    });
  telegram
    .command("rm <id>")
    .description("remove a Telegram chat (its pending deliveries are given up)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, id: string, opts: { tenant: string; json?: boolean }) {
      const { runChannelRemove } = await import("../actions/alerts.js");
      await runChannelRemove(this, "telegram", id, opts);
    });

  const webhooks = program
    .command("webhooks")
    .description("webhooks that alerts go to, signed with HMAC-SHA256, and their delivery log");
  webhooks
    .command("add <url>")
    .description("add a webhook; prints its signing secret once")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--label <label>", "a name for people (default: the URL's host)")
    .option("--json", "machine-readable output")
    .action(async function (
      this: Command,
      url: string,
      opts: { tenant: string; label?: string; json?: boolean },
    ) {
      const { runWebhookAdd } = await import("../actions/alerts.js");
      await runWebhookAdd(this, url, opts);
    });
  webhooks
    .command("list")
    .description("the tenant's webhooks (never their secrets)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; json?: boolean }) {
      const { runChannelList } = await import("../actions/alerts.js");
      await runChannelList(this, "webhook", opts);
    });
  webhooks
    .command("rm <id>")
    .description("remove a webhook (its pending deliveries are given up)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, id: string, opts: { tenant: string; json?: boolean }) {
      const { runChannelRemove } = await import("../actions/alerts.js");
      await runChannelRemove(this, "webhook", id, opts);
    });
  webhooks
    .command("deliveries")
    .description("the delivery log of every channel (webhooks and Telegram): status, attempts, last answer")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--channel <id>", "one channel's deliveries")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; channel?: string; json?: boolean }) {
      const { runDeliveries } = await import("../actions/alerts.js");
      await runDeliveries(this, opts);
    });
}

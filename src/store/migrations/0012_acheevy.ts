import type { Kysely } from "kysely";

/**
 * ACHEEVY (issue 17): approvals of AI-initiated actions, each tenant's approval policy, and the chat's
 * conversations and messages. An approval is bound to its tenant, its tool and a keyed hash (HMAC-SHA256) of its
 * exact canonical arguments, which are kept sealed (they may hold a secret input) beside a redacted copy; its status moves pending → approved → executing → done | failed (or denied, expired),
 * each step a conditional update so a decision or an execution happens once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("approval_policies")
    .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id"))
    .addColumn("policy", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("approvals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("tool", "text", (c) => c.notNull())
    .addColumn("args", "text", (c) => c.notNull())
    .addColumn("shown_args", "text", (c) => c.notNull())
    .addColumn("args_hash", "text", (c) => c.notNull())
    .addColumn("risk", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("impact", "text", (c) => c.notNull())
    .addColumn("requested_by", "text", (c) => c.notNull())
    .addColumn("requested_source", "text", (c) => c.notNull())
    .addColumn("conversation_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("decided_by", "text")
    .addColumn("decided_source", "text")
    .addColumn("decided_at", "text")
    .addColumn("executed_at", "text")
    .addColumn("finished_at", "text")
    .addColumn("result", "text")
    .addColumn("error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("approvals_tenant_status")
    .on("approvals")
    .columns(["tenant_id", "status"])
    .execute();
  await db.schema.createIndex("approvals_conversation").on("approvals").column("conversation_id").execute();

  await db.schema
    .createTable("conversations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("conversations_tenant_owner")
    .on("conversations")
    .columns(["tenant_id", "owner"])
    .execute();

  await db.schema
    .createTable("messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("author", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("turn", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("messages_conversation_seq")
    .on("messages")
    .columns(["conversation_id", "seq"])
    .unique()
    .execute();
}

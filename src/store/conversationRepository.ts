import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { ConversationsTable, MessagesTable } from "./schema.js";

export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;

/** A conversation of this owner in this tenant, or undefined (someone else's looks like none). */
export function findConversation(
  ex: Executor,
  tenantId: string,
  owner: string,
  id: string,
): Promise<ConversationRow | undefined> {
  return ex
    .selectFrom("conversations")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("owner", "=", owner)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** An owner's conversations in a tenant, newest first, before a cursor (ids sort by creation time). */
export function listConversationRows(
  ex: Executor,
  tenantId: string,
  owner: string,
  options: { beforeId?: string; limit: number },
): Promise<ConversationRow[]> {
  let query = ex
    .selectFrom("conversations")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("owner", "=", owner);
  if (options.beforeId !== undefined) query = query.where("id", "<", options.beforeId);
  return query.orderBy("id", "desc").limit(options.limit).execute();
}

export async function insertConversation(ex: Executor, row: ConversationRow): Promise<void> {
  await ex.insertInto("conversations").values(row).execute();
}

/** Deletes a conversation and its messages (its approvals stay: they are audit material). */
export async function deleteConversationRows(ex: Executor, id: string): Promise<void> {
  await ex.deleteFrom("messages").where("conversation_id", "=", id).execute();
  await ex.deleteFrom("conversations").where("id", "=", id).execute();
}

/** A conversation's messages, oldest first (the last `limit` when given). */
export async function listMessages(
  ex: Executor,
  conversationId: string,
  limit?: number,
): Promise<MessageRow[]> {
  let query = ex
    .selectFrom("messages")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .orderBy("seq", "desc");
  if (limit !== undefined) query = query.limit(limit);
  return (await query.execute()).reverse();
}

/** Appends messages at the end of a conversation and bumps its `updated_at`. */
export async function appendMessages(
  ex: Executor,
  conversationId: string,
  messages: Array<Pick<MessageRow, "id" | "author" | "text" | "turn">>,
): Promise<void> {
  const last = await ex
    .selectFrom("messages")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("conversation_id", "=", conversationId)
    .executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  const now = new Date().toISOString();
  for (const m of messages)
    await ex
      .insertInto("messages")
      .values({ ...m, conversation_id: conversationId, seq: ++seq, created_at: now })
      .execute();
  await ex.updateTable("conversations").set({ updated_at: now }).where("id", "=", conversationId).execute();
}

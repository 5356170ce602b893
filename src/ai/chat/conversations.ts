import type { OperationContext } from "../../context.js";
import { AimsError } from "../../domain/errors.js";
import { newId } from "../../domain/names.js";
import {
  type ConversationRow,
  deleteConversationRows,
  findConversation,
  insertConversation,
  listConversationRows,
  listMessages,
} from "../../store/conversationRepository.js";
import { withTransaction } from "../../store/database.js";
import { recordChange } from "../../store/recordChange.js";
import type { TenantRow } from "../../store/tenantRepository.js";
import { peopleChange } from "../../tenancy/change.js";
import { type Caller, type Principal, requireTenant } from "../../tenancy/principal.js";
import type { TurnView } from "./turnView.js";

/** Whose a conversation is: a person (their session and their keys alike), else the key or the host user. */
export function conversationOwner(principal: Principal): string {
  return principal.userId !== null ? `user:${principal.userId}` : principal.actor;
}

export interface ConversationSummary {
  id: string;
  tenant: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationView extends ConversationSummary {
  messages: Array<{
    seq: number;
    author: "person" | "acheevy";
    text: string;
    turn: TurnView | null;
    at: string;
  }>;
}

const summary = (row: ConversationRow, tenant: string): ConversationSummary => ({
  id: row.id,
  tenant,
  title: row.title,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The caller's conversation in a tenant, or not_found (someone else's, another tenant's, or none). */
export async function requireConversation(
  p: OperationContext,
  caller: Caller,
  tenant: TenantRow,
  id: string,
): Promise<ConversationRow> {
  const row = await findConversation(p.store.db, tenant.id, conversationOwner(caller.principal), id);
  if (!row)
    throw new AimsError("not_found", `no conversation ${id.slice(0, 60)} of yours in tenant ${tenant.name}`);
  return row;
}

/** Starts a conversation of the caller's (event + audit), titled with its first message. */
export async function startConversation(
  p: OperationContext,
  caller: Caller,
  tenant: TenantRow,
  firstMessage: string,
): Promise<ConversationRow> {
  const now = new Date().toISOString();
  const row: ConversationRow = {
    id: newId(),
    tenant_id: tenant.id,
    owner: conversationOwner(caller.principal),
    title: firstMessage.trim().replace(/\s+/g, " ").slice(0, 80) || "(untitled)",
    created_at: now,
    updated_at: now,
  };
  await withTransaction(p.store.db, async (trx) => {
    await insertConversation(trx, row);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "conversation.created",
        action: "conversation.create",
        target: `conversation/${tenant.name}/${row.id}`,
        tenantId: tenant.id,
        subject: row.id,
      }),
    );
  });
  return row;
}

/** The caller's conversations in a tenant, newest first. */
export async function listConversations(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  page: { beforeId?: string; limit: number },
): Promise<ConversationSummary[]> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "instance.read");
  const rows = await listConversationRows(p.store.db, tenant.id, conversationOwner(caller.principal), page);
  return rows.map((r) => summary(r, tenant.name));
}

/** One conversation of the caller's with every message, oldest first. */
export async function getConversation(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  id: string,
): Promise<ConversationView> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "instance.read");
  const row = await requireConversation(p, caller, tenant, id);
  const messages = await listMessages(p.store.db, row.id);
  return {
    ...summary(row, tenant.name),
    messages: messages.map((m) => ({
      seq: m.seq,
      author: m.author,
      text: m.text,
      turn: m.turn === null ? null : (JSON.parse(m.turn) as TurnView),
      at: m.created_at,
    })),
  };
}

/** Deletes one of the caller's conversations and its messages (event + audit); its approvals stay. */
export async function deleteConversation(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  id: string,
): Promise<void> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "instance.read");
  const row = await requireConversation(p, caller, tenant, id);
  await withTransaction(p.store.db, async (trx) => {
    await deleteConversationRows(trx, row.id);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "conversation.deleted",
        action: "conversation.delete",
        target: `conversation/${tenant.name}/${row.id}`,
        tenantId: tenant.id,
        subject: row.id,
      }),
    );
  });
}

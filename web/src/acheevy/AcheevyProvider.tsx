import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";
import {
  type Approval,
  type ChatEvent,
  type Risk,
  sendChat,
  type Turn,
  type TurnAction,
} from "../api/acheevy";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";

/** One piece of what was said: words, a tool call (with its result once it ran), an approval, a step. */
export type Part =
  | { kind: "text"; text: string }
  | { kind: "tool"; tool: string; args: unknown; risk: Risk | null; action?: TurnAction }
  | { kind: "approval"; approval?: Approval; id: string }
  | { kind: "progress"; message: string };

export interface Entry {
  key: number;
  author: "person" | "acheevy";
  parts: Part[];
  error?: string;
  /** Still streaming. */
  pending?: boolean;
}

interface Thread {
  conversation: string | undefined;
  entries: Entry[];
}

export interface Acheevy {
  opened: boolean;
  setOpened(opened: boolean): void;
  /** The conversation shown for a tenant (kept while the person moves between pages). */
  thread(tenant: string): Thread;
  busy: boolean;
  send(tenant: string, message: string): Promise<void>;
  /** Starts a new conversation in the tenant. */
  reset(tenant: string): void;
  /** Opens a previous conversation. */
  open(tenant: string, id: string): Promise<void>;
}

const AcheevyContext = createContext<Acheevy | undefined>(undefined);
const EMPTY: Thread = { conversation: undefined, entries: [] };
let nextKey = 1;

/** The parts an answer stored in a conversation shows: its reply, then each action (approvals as cards). */
function partsOfTurn(turn: Turn): Part[] {
  const parts: Part[] = [];
  for (const action of turn.actions)
    parts.push(
      action.approvalId && action.status === "awaiting_approval"
        ? { kind: "approval", id: action.approvalId }
        : { kind: "tool", tool: action.tool, args: action.args, risk: action.risk, action },
    );
  if (turn.reply) parts.unshift({ kind: "text", text: turn.reply });
  return parts;
}

/** Gives the last call of the action's tool that has no outcome yet its outcome (or adds the call). */
function withAction(parts: Part[], action: TurnAction): Part[] {
  const index = parts.findLastIndex((p) => p.kind === "tool" && p.tool === action.tool && !p.action);
  if (index < 0)
    return [...parts, { kind: "tool", tool: action.tool, args: action.args, risk: action.risk, action }];
  return parts.map((p, i) => (i === index && p.kind === "tool" ? { ...p, action } : p));
}

/** Folds one streamed event into the answer being written. */
function addEvent(parts: Part[], event: ChatEvent): Part[] {
  switch (event.type) {
    case "text": {
      const last = parts.at(-1);
      if (last?.kind === "text")
        return [...parts.slice(0, -1), { kind: "text", text: last.text + event.delta }];
      return [...parts, { kind: "text", text: event.delta }];
    }
    case "tool_call":
      return [...parts, { kind: "tool", tool: event.tool, args: event.args, risk: event.risk }];
    case "approval_request": {
      // The call waits for this approval: its card says so, and the approval's card follows.
      const approval = event.approval;
      const waiting: TurnAction = {
        tool: approval.tool,
        args: approval.args,
        risk: approval.risk,
        status: "awaiting_approval",
        approvalId: approval.id,
        say: approval.summary,
        result: null,
        error: null,
      };
      return [...withAction(parts, waiting), { kind: "approval", approval, id: approval.id }];
    }
    case "progress":
      return [...parts, { kind: "progress", message: event.message }];
    case "tool_result":
      return withAction(parts, event.action);
    case "done":
      return parts;
  }
}

/**
 * ACHEEVY's conversations for the whole app: above the pages, so the conversation stays while the person moves
 * from page to page; one thread per tenant.
 */
export function AcheevyProvider({ children }: { children: ReactNode }) {
  const [opened, setOpened] = useState(false);
  const [threads, setThreads] = useState<Record<string, Thread>>({});
  const [busy, setBusy] = useState(false);
  const current = useRef(threads);
  current.current = threads;

  const update = useCallback((tenant: string, change: (thread: Thread) => Thread) => {
    setThreads((all) => ({ ...all, [tenant]: change(all[tenant] ?? EMPTY) }));
  }, []);

  const send = useCallback(
    async (tenant: string, message: string) => {
      const conversation = current.current[tenant]?.conversation;
      const mine = nextKey++;
      const answer = nextKey++;
      update(tenant, (t) => ({
        ...t,
        entries: [
          ...t.entries,
          { key: mine, author: "person", parts: [{ kind: "text", text: message }] },
          { key: answer, author: "acheevy", parts: [], pending: true },
        ],
      }));
      const onAnswer = (change: (entry: Entry) => Entry) =>
        update(tenant, (t) => ({ ...t, entries: t.entries.map((e) => (e.key === answer ? change(e) : e)) }));
      setBusy(true);
      try {
        const turn = await sendChat(tenant, { message, ...(conversation ? { conversation } : {}) }, (event) =>
          onAnswer((e) => ({ ...e, parts: addEvent(e.parts, event) })),
        );
        update(tenant, (t) => ({ ...t, conversation: turn.conversation ?? t.conversation }));
        onAnswer((e) => ({ ...e, pending: false }));
      } catch (err) {
        onAnswer((e) => ({ ...e, pending: false, error: messageOf(err) }));
      } finally {
        setBusy(false);
      }
    },
    [update],
  );

  const reset = useCallback((tenant: string) => update(tenant, () => EMPTY), [update]);

  const open = useCallback(
    async (tenant: string, id: string) => {
      const conversation = await must(
        api.GET("/v1/tenants/{tenant}/conversations/{conversationId}", {
          params: { path: { tenant, conversationId: id } },
        }),
      );
      update(tenant, () => ({
        conversation: conversation.id,
        entries: conversation.messages.map((m) => ({
          key: nextKey++,
          author: m.author,
          parts: m.turn ? partsOfTurn(m.turn) : [{ kind: "text", text: m.text }],
        })),
      }));
    },
    [update],
  );

  const thread = useCallback((tenant: string) => threads[tenant] ?? EMPTY, [threads]);
  const value = useMemo(
    () => ({ opened, setOpened, thread, busy, send, reset, open }),
    [opened, thread, busy, send, reset, open],
  );
  return <AcheevyContext.Provider value={value}>{children}</AcheevyContext.Provider>;
}

export function useAcheevy(): Acheevy {
  const acheevy = useContext(AcheevyContext);
  if (!acheevy) throw new Error("useAcheevy outside AcheevyProvider");
  return acheevy;
}

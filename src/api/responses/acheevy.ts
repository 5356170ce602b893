import * as z from "zod";
import type { ConversationSummary, ConversationView } from "../../ai/chat/conversations.js";
import type { TurnAction, TurnView } from "../../ai/chat/turnView.js";
import type { ApprovalPolicyView } from "../../approvals/approvalPolicy.js";
import type { ApprovalView } from "../../approvals/approvalView.js";
import { APPROVAL_POLICIES, APPROVAL_STATUSES, RISKS } from "../../domain/approvals.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const time = z.string().describe("ISO-8601 time");
const risk = z.enum(RISKS);

export const approvalViewSchema = named(
  "Approval",
  viewSchema<ApprovalView>()(
    z.object({
      id: z.string(),
      tenant: z.string(),
      tool: z.string().describe("the ACHEEVY tool that will run (docs/acheevy.md)"),
      args: z.unknown().describe("the arguments that will run; secret inputs shown as `(secret)`"),
      argsHash: z.string().describe("send it back as `argsHash` to approve exactly these arguments"),
      risk,
      summary: z.string().describe("what will happen, in plain words"),
      impact: z.unknown().describe("resources it adds or frees and the plan's use after it"),
      status: z.enum(APPROVAL_STATUSES),
      requestedBy: z.string().describe("the audit actor who asked: user:<id>, key:<id>, cli:<name>"),
      requestedByName: z.string().describe("who asked, as a person reads it: an email, a key's name"),
      requestedSource: z.string(),
      conversation: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decidedByName: z.string().nullable(),
      decidedSource: z.string().nullable(),
      decidedAt: time.nullable(),
      executedAt: time.nullable(),
      finishedAt: time.nullable(),
      result: z.unknown().describe("what the tool answered once it ran: { say, data }"),
      error: z.string().nullable(),
      createdAt: time,
      expiresAt: time,
    }),
  ),
);

export const approvalPolicySchema = named(
  "ApprovalPolicy",
  viewSchema<ApprovalPolicyView>()(
    z.object({
      tenant: z.string(),
      policy: z.enum(APPROVAL_POLICIES).describe("what the owners set (all when they never did)"),
      effective: z.enum(APPROVAL_POLICIES).describe("what applies now"),
      plan: z.string(),
      approvalsOffAllowed: z.boolean().describe("whether the plan lets owners set none"),
    }),
  ),
);

export const turnActionSchema = named(
  "TurnAction",
  viewSchema<TurnAction>()(
    z.object({
      tool: z.string(),
      args: z.unknown(),
      risk: risk.nullable(),
      status: z.enum(["planned", "awaiting_approval", "done", "failed", "refused"]),
      approvalId: z.string().nullable().describe("the approval it waits for, or ran under"),
      say: z.string().describe("what happened, in a sentence"),
      result: z.unknown().describe("what the tool answered; null unless it ran"),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
);

export const turnViewSchema = named(
  "Turn",
  viewSchema<TurnView>()(
    z.object({
      conversation: z
        .string()
        .nullable()
        .describe("pass it back to go on; null for a dry run that started none"),
      reply: z.string(),
      actions: z.array(turnActionSchema),
      question: z.string().nullable().describe("a clarifying question, when ACHEEVY needs to know more"),
      options: z.array(z.string()).describe("what the question offers"),
      approvalId: z.string().nullable().describe("the first approval this turn waits for"),
      refusal: z.enum(["out_of_scope", "hostile", "not_in_catalog", "invalid", "other_tenant"]).nullable(),
      dryRun: z.boolean(),
    }),
  ),
);

const conversationFields = {
  id: z.string(),
  tenant: z.string(),
  title: z.string(),
  createdAt: time,
  updatedAt: time,
};

export const conversationSummarySchema = named(
  "ConversationSummary",
  viewSchema<ConversationSummary>()(z.object(conversationFields)),
);

export const conversationViewSchema = named(
  "Conversation",
  viewSchema<ConversationView>()(
    z.object({
      ...conversationFields,
      messages: z.array(
        z.object({
          seq: z.number(),
          author: z.enum(["person", "acheevy"]),
          text: z.string(),
          turn: turnViewSchema.nullable(),
          at: time,
        }),
      ),
    }),
  ),
);

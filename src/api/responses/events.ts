import * as z from "zod";
import { type AuditEntryView, auditEntryViewSchema } from "../../audit/auditView.js";
import type { ChainVerdict } from "../../audit/chainVerifier.js";
import type { EventView } from "../events/eventView.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const time = z.string().describe("ISO-8601 time");

export const eventViewSchema = named(
  "Event",
  viewSchema<EventView>()(
    z.object({
      seq: z.number().describe("its position in the log: the SSE id, for Last-Event-ID"),
      id: z.string(),
      type: z.string(),
      tenant: z.string().nullable(),
      subject: z.string().nullable(),
      time,
      data: z.unknown(),
    }),
  ),
);

/** An audit entry with its link and hash, so a client can check the chain (src/audit/auditView.ts). */
export const auditViewSchema = named("AuditEntry", viewSchema<AuditEntryView>()(auditEntryViewSchema));

export const chainVerdictSchema = named(
  "AuditChainVerdict",
  viewSchema<ChainVerdict>()(
    z.discriminatedUnion("ok", [
      z.object({
        ok: z.literal(true),
        length: z.number(),
        firstSeq: z.number().nullable(),
        headSeq: z.number().nullable(),
        headHash: z.string().describe("what a later check compares with"),
        gaps: z.number(),
      }),
      z.object({
        ok: z.literal(false),
        checked: z.number().describe("entries that checked out before the break"),
        broken: z.object({
          seq: z.number(),
          id: z.string().nullable(),
          problem: z.enum(["edited", "deleted", "reordered", "relinked"]),
          message: z.string(),
        }),
      }),
    ]),
  ),
);

import * as z from "zod";
import type { AuditView } from "../auditView.js";
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

export const auditViewSchema = named(
  "AuditEntry",
  viewSchema<AuditView>()(
    z.object({
      seq: z.number(),
      id: z.string(),
      time,
      actor: z.string().describe("user:<id>, key:<id>, system or anonymous"),
      action: z.string(),
      target: z.string(),
      source: z.string(),
      result: z.enum(["ok", "failed", "denied"]),
      data: z.unknown(),
      hash: z.string().describe("chains this entry to the one before it"),
    }),
  ),
);

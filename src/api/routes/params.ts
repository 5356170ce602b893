import * as z from "zod";
import { nameSchema } from "../../domain/names.js";

/** Path parameters, one schema per name, so every route spells them the same way. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be an id this API handed out");

/** A tenant's path parameters plus `extra` (`{ channelId: idSchema }`). */
export function tenantParamsWith<E extends z.ZodRawShape>(extra: E) {
  return z.strictObject({ tenant: nameSchema, ...extra });
}

export const tenantParams = z.strictObject({ tenant: nameSchema });
export const instanceParams = z.strictObject({ tenant: nameSchema, name: nameSchema });
export const memberParams = z.strictObject({ tenant: nameSchema, userId: idSchema });
export const invitationParams = z.strictObject({ tenant: nameSchema, invitationId: idSchema });
export const tenantKeyParams = z.strictObject({ tenant: nameSchema, keyId: idSchema });
export const keyParams = z.strictObject({ keyId: idSchema });
export const approvalParams = z.strictObject({ tenant: nameSchema, approvalId: idSchema });
export const conversationParams = z.strictObject({ tenant: nameSchema, conversationId: idSchema });

import * as z from "zod";
import { nameSchema } from "../domain/names.js";

/** The tenant an operator action is about (suspend, resume). */
export const tenantActionInput = z.strictObject({ tenant: nameSchema });
export type TenantActionInput = z.input<typeof tenantActionInput>;

/** `aims tenant delete` / `DELETE /v1/tenants/{tenant}`: `force` removes its instances too. */
export const deleteTenantInput = z.strictObject({ tenant: nameSchema, force: z.boolean().default(false) });
export type DeleteTenantInput = z.input<typeof deleteTenantInput>;

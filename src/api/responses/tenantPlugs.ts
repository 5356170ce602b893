import * as z from "zod";
import type { ComposeFinding } from "../../compose/composeModel.js";
import type { TenantPlugView } from "../../plugs/tenantPlugView.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const findingSchema = viewSchema<ComposeFinding>()(
  z.object({
    service: z.string().optional().describe("the service it is about; absent for a top-level key"),
    key: z.string().describe("the key as the compose file writes it, like `ports` or `deploy.resources`"),
    reason: z.string(),
  }),
);

/** A tenant's private plug, imported from a compose file. */
export const tenantPlugViewSchema = named(
  "TenantPlug",
  viewSchema<TenantPlugView>()(
    z.object({
      name: z.string().describe("the plug's id for a deploy (`plug` of POST /v1/tenants/{t}/instances)"),
      tenant: z.string(),
      version: z.number().describe("1 for the first import under the name; each re-import adds one"),
      importedAt: z.string().describe("ISO-8601 time"),
      importedBy: z.string(),
      inputs: z.array(
        z.object({
          key: z.string(),
          type: z.string(),
          required: z.boolean(),
          default: z.string().optional(),
          generated: z
            .boolean()
            .optional()
            .describe("a secret AIMS generates when the deploy does not set it"),
        }),
      ),
      services: z.array(
        z.object({
          name: z.string(),
          image: z.string(),
          ports: z.array(z.number()),
          volumes: z.array(z.string()),
          dependsOn: z.array(z.string()),
        }),
      ),
      report: z.object({
        changed: z
          .array(findingSchema)
          .describe("what AIMS does differently from Compose (a host port replaced, ...)"),
        ignored: z.array(findingSchema).describe("keys AIMS does not use, unknown ones included"),
      }),
      versions: z.array(z.number()).describe("versions kept under this name, newest first"),
    }),
  ),
);

import * as z from "zod";
import { named } from "./named.js";

export const statusSchema = named(
  "Status",
  z.object({
    status: z.enum(["ok", "ready"]).describe("ok: the process answers; ready: store and engine answer"),
  }),
);

export const openApiDocumentSchema = named(
  "OpenApiDocument",
  z
    .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) })
    .catchall(z.unknown())
    .describe("an OpenAPI 3.1 document"),
);

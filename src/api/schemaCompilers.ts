import { createRequire } from "node:module";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

/** Requires a package fastify depends on, from fastify's own place in node_modules (AIMS does not list them). */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve("fastify"));

/**
 * fastify's JSON Schema compilers (ajv for validation, fast-json-stringify for answers), loaded when a route
 * first declares a JSON Schema instead of when the server is built. AIMS's routes validate with zod
 * (src/api/validation.ts) and declare none, so `aims serve` never loads either: ~600 kB of JavaScript, a few
 * MiB of its resident memory (docs/benchmarks.md, "Control-plane memory"). A route that does declare one
 * gets fastify's defaults, as before.
 */
export const lazySchemaCompilers = {
  buildValidator: (...args: unknown[]) => fastifyRequire("@fastify/ajv-compiler")()(...args),
  buildSerializer: (...args: unknown[]) => fastifyRequire("@fastify/fast-json-stringify-compiler")()(...args),
} as CompilersFactory;

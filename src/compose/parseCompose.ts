import { AimsError } from "../domain/errors.js";
import { yamlLibrary } from "../parseYaml.js";
import {
  type ComposeDocument,
  MAX_COMPOSE_ALIASES,
  MAX_COMPOSE_BYTES,
  MAX_COMPOSE_SERVICES,
} from "./composeModel.js";

/**
 * Reads compose YAML within bounds: at most MAX_COMPOSE_BYTES, no binary, one document, unique keys, anchors
 * and merge keys (`<<: *defaults`) with at most MAX_COMPOSE_ALIASES aliases (so a "billion laughs" file stops
 * at the first few expansions), string keys, a mapping with `services` of at most MAX_COMPOSE_SERVICES.
 * Anything else is AimsError("invalid_input") saying what is wrong and where.
 * @example parseCompose("services:\n  web:\n    image: nginx:1.27.0\n")
 */
export function parseCompose(text: string): ComposeDocument {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_COMPOSE_BYTES)
    throw refused(`is ${Math.ceil(bytes / 1024)} KiB; at most ${MAX_COMPOSE_BYTES / 1024} KiB is accepted`);
  // NUL and other C0 controls (tab, newline and carriage return aside) never appear in YAML text.
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.exec(text);
  if (control) throw refused(`is not text: it holds a control character (code ${control[0].charCodeAt(0)})`);
  if (!text.trim()) throw refused("is empty: it needs a `services:` mapping");
  const doc = yamlLibrary().parseDocument(text, {
    merge: true,
    uniqueKeys: true,
    stringKeys: true,
    prettyErrors: false,
    strict: true,
    version: "1.2",
  });
  const problem = doc.errors[0];
  if (problem) throw refused(`is not valid YAML: ${oneLine(problem.message)}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_COMPOSE_ALIASES });
  } catch (err) {
    throw refused(`is not usable YAML: ${oneLine((err as Error).message)}`);
  }
  if (!isMapping(value)) throw refused("must be a mapping with a `services:` key at the top");
  const services = value.services;
  if (services === undefined) throw refused("has no `services:`; a compose file lists its services there");
  if (!isMapping(services) || Object.keys(services).length === 0)
    throw refused("`services:` must be a mapping of at least one service name to its settings");
  const count = Object.keys(services).length;
  if (count > MAX_COMPOSE_SERVICES)
    throw refused(`has ${count} services; at most ${MAX_COMPOSE_SERVICES} are accepted in one plug`);
  for (const [name, service] of Object.entries(services))
    if (!isMapping(service))
      throw refused(`service ${clip(name)}: its settings must be a mapping (like \`image: nginx:1.27.0\`)`);
  return value as ComposeDocument;
}

/** True for a plain object (a YAML mapping), not an array or null. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function refused(what: string): AimsError {
  return new AimsError("invalid_input", `the compose file ${what}`);
}

function oneLine(message: string): string {
  return clip(message.split("\n")[0] ?? message, 200);
}

/** A name from the file, shortened for a message. */
export function clip(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

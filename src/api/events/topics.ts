import { AimsError } from "../../domain/errors.js";
import { isEventTopic } from "../../domain/eventTypes.js";
import type { TypeFilter } from "../../store/eventFeed.js";

/**
 * Parses `?topics=instance.*,tenant.created` into a type filter: `x.*` is every type starting with `x.`,
 * `*` (or no topics) is everything, anything else is an exact type.
 */
export function parseTopics(topics: string | undefined): TypeFilter {
  if (topics === undefined || topics.trim() === "") return null;
  const list = topics
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (list.length > 32) throw new AimsError("invalid_input", "at most 32 topics");
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const topic of list) {
    if (!isEventTopic(topic))
      throw new AimsError(
        "invalid_input",
        `topic "${topic.slice(0, 100)}" is not a type (instance.ready) or a pattern (instance.*, *)`,
      );
    if (topic === "*") return null;
    if (topic.endsWith(".*")) prefixes.push(topic.slice(0, -1));
    else exact.push(topic);
  }
  return { exact, prefixes };
}

/** The same filter in memory, for live delivery (once per event and stream, so it allocates nothing). */
export function typeMatches(filter: TypeFilter, type: string): boolean {
  if (filter === null || filter.exact.includes(type)) return true;
  for (const prefix of filter.prefixes) if (type.startsWith(prefix)) return true;
  return false;
}

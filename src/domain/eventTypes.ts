import * as z from "zod";

// Event types are dotted words: `instance.ready`, `proxy.apply_failed`. One rule for the pieces, whether a person
// asks for a type, a pattern (`GET /v1/events?topics=instance.*`) or the start of one (`aims events --type instance.`).

const WORD = "[a-z0-9_-]+";

/** One topic of `?topics=`: `*`, a type (`instance.ready`) or every type under a prefix (`instance.*`). */
export const EVENT_TOPIC = new RegExp(`^(\\*|${WORD}(\\.${WORD})*(\\.\\*)?)$`);

/** The longest type or prefix anyone asks for. */
const MAX_LENGTH = 100;

/**
 * What `aims events --type` keeps: the types starting with it (`instance.`, `instance.rea`, `instance.ready`);
 * `instance.*` reads as `instance.`.
 */
export const eventTypePrefixSchema = z
  .string()
  .max(MAX_LENGTH, { error: `must be at most ${MAX_LENGTH} characters` })
  .regex(new RegExp(`^${WORD}(\\.${WORD})*(\\.|\\.\\*)?$`), {
    error:
      "must be an event type or the start of one, like instance. or instance.ready (lowercase letters, digits, _ and -, parts joined by dots)",
  })
  .transform((prefix) => prefix.replace(/\*$/, ""));

/** True when `topic` is one a client may ask for, at most 100 characters. */
export function isEventTopic(topic: string): boolean {
  return topic.length <= MAX_LENGTH && EVENT_TOPIC.test(topic);
}

/**
 * Event types of Plug Monitor alerts (issue 19): an alert fired or resolved, a test message, a channel added or
 * removed, and a zombie container the reconciler restarted (docs/alerts.md).
 */
export const ALERT_EVENT_TYPES = [
  "alert.firing",
  "alert.resolved",
  "alert.test",
  "alert_channel.created",
  "alert_channel.removed",
  "instance.zombie_restarted",
] as const;

export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/**
 * Event types of autoscaling (issue 19, docs/autoscaling.md): a policy set or removed, a step the autoscaler took
 * (with the numbers that drove it), a scale-up it asked a person to approve, and a step the scale operation refused.
 */
export const AUTOSCALE_EVENT_TYPES = [
  "autoscale.policy_set",
  "autoscale.policy_removed",
  "autoscale.scaled_up",
  "autoscale.scaled_down",
  "autoscale.approval_requested",
  "autoscale.refused",
] as const;

export type AutoscaleEventType = (typeof AUTOSCALE_EVENT_TYPES)[number];

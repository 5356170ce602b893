/** What a person's whole message says about the approvals waiting in their conversation. */
export type ApprovalReply = "approve" | "deny";

const APPROVE = new Set([
  "yes",
  "y",
  "yep",
  "yeah",
  "yes please",
  "approve",
  "approved",
  "approve it",
  "approve them",
  "i approve",
  "ok",
  "okay",
  "go ahead",
  "do it",
  "confirm",
  "confirmed",
  "yes do it",
  "yes go ahead",
  "yes approve",
]);

const DENY = new Set([
  "no",
  "n",
  "nope",
  "no thanks",
  "deny",
  "denied",
  "deny it",
  "reject",
  "cancel",
  "cancel it",
  "don't",
  "dont",
  "do not",
  "abort",
]);

/**
 * Recognises an approval turn: the person's message, whole, is a yes or a no ("yes", "approve", "no",
 * "cancel"), so "deploy redis and approve it" is never one. Only the chat layer calls this, and only on what the
 * person typed: nothing the engine or a model produces is ever read as a decision.
 * @example approvalReply("Yes!") // "approve"; approvalReply("yes, and stop db") // undefined
 */
export function approvalReply(message: string): ApprovalReply | undefined {
  const said = message
    .trim()
    .toLowerCase()
    .replace(/[.!\s]+$/, "")
    .replace(/\s+/g, " ");
  if (APPROVE.has(said)) return "approve";
  if (DENY.has(said)) return "deny";
  return undefined;
}

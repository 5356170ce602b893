import type { Plug } from "../domain/manifest.js";
import { generateSecret, openSecret, sealSecret } from "../secrets/cipher.js";

/** Additional authenticated data binding a sealed secret to its instance and key. */
export function secretAad(instanceId: string, key: string): string {
  return `${instanceId}/${key}`;
}

/** Plaintext secrets of a new instance: generated ones plus secret-typed inputs the user answered. */
export function newInstanceSecrets(
  plug: Plug,
  inputs: Record<string, string>,
): Array<{ key: string; value: string; origin: "generated" | "input" }> {
  const generated = plug.secrets.map((s) => ({
    key: s.key,
    value: generateSecret(s.length, s.alphabet),
    origin: "generated" as const,
  }));
  const answered = plug.inputs
    .filter((i) => i.type === "secret" && inputs[i.key] !== undefined)
    .map((i) => ({ key: i.key, value: inputs[i.key]!, origin: "input" as const }));
  const unanswered = plug.inputs
    .filter((i) => i.type === "secret" && i.generated && inputs[i.key] === undefined)
    .map((i) => ({ key: i.key, value: generateSecret(32, "alnum"), origin: "generated" as const }));
  return [...generated, ...answered, ...unanswered];
}

/** Seals each secret for storage. */
export function sealAll(
  masterKey: Buffer,
  instanceId: string,
  secrets: Array<{ key: string; value: string; origin: "generated" | "input" }>,
) {
  return secrets.map((s) => ({
    instance_id: instanceId,
    key: s.key,
    ciphertext: sealSecret(masterKey, s.value, secretAad(instanceId, s.key)),
    origin: s.origin,
  }));
}

/** Opens stored secrets into a key → plaintext map (only for container creation). */
export function openAll(
  masterKey: Buffer,
  instanceId: string,
  rows: Array<{ key: string; ciphertext: string }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows)
    out[row.key] = openSecret(masterKey, row.ciphertext, secretAad(instanceId, row.key));
  return out;
}

/** Splits validated inputs into the non-secret values stored in the instance spec. */
export function publicInputs(plug: Plug, inputs: Record<string, string>): Record<string, string> {
  const secret = new Set(plug.inputs.filter((i) => i.type === "secret").map((i) => i.key));
  return Object.fromEntries(Object.entries(inputs).filter(([k]) => !secret.has(k)));
}

import { ALLOWED_CAPABILITIES } from "../domain/manifest.js";
import type { Findings } from "./composeVariables.js";

/**
 * Capabilities an imported service runs with: Docker's default set without the ones that let a service forge
 * packets (NET_RAW), make device nodes (MKNOD), hand out file capabilities (SETFCAP, SETPCAP), write the
 * host's audit log (AUDIT_WRITE) or chroot (SYS_CHROOT). Enough for an image that starts as root and drops to
 * its own user (postgres, nginx), always with no-new-privileges. `cap_add` may name only these.
 */
export const IMPORTED_CAPABILITIES: readonly string[] = ALLOWED_CAPABILITIES;

/** Docker's default capabilities that imported services do not get (docs/compose.md). */
export const WITHHELD_CAPABILITIES = [
  "AUDIT_WRITE",
  "MKNOD",
  "NET_RAW",
  "SETFCAP",
  "SETPCAP",
  "SYS_CHROOT",
] as const;

/** Capability names without the `CAP_` prefix, upper case. */
function capabilityList(
  service: string,
  key: string,
  value: unknown,
  findings: Findings,
): string[] | undefined {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    findings.refuse(service, key, "must be a list of capability names");
    return undefined;
  }
  return value.map((v: string) => v.toUpperCase().replace(/^CAP_/, ""));
}

/** The capabilities to add back after dropping all: the imported set, less `cap_drop`, with `cap_add` checked. */
export function importedCapabilities(
  service: string,
  capAdd: unknown,
  capDrop: unknown,
  findings: Findings,
): string[] {
  const drop = capDrop === undefined ? [] : (capabilityList(service, "cap_drop", capDrop, findings) ?? []);
  const add = capAdd === undefined ? [] : (capabilityList(service, "cap_add", capAdd, findings) ?? []);
  const refusedAdds = add.filter((c) => !IMPORTED_CAPABILITIES.includes(c));
  if (refusedAdds.length)
    findings.refuse(
      service,
      "cap_add",
      `${refusedAdds.join(", ")} ${refusedAdds.length > 1 ? "are" : "is"} not on AIMS's safe list (${IMPORTED_CAPABILITIES.join(", ")}); these weaken the isolation between services and the host`,
    );
  const base = drop.includes("ALL") ? [] : IMPORTED_CAPABILITIES.filter((c) => !drop.includes(c));
  return [...new Set([...base, ...add.filter((c) => IMPORTED_CAPABILITIES.includes(c))])];
}

/**
 * `security_opt`: `no-new-privileges` (AIMS sets it anyway) is accepted; anything that turns a protection off
 * (`seccomp=unconfined`, `apparmor=unconfined`, `label=disable`, `no-new-privileges=false`, a custom profile
 * from a file on the server) is refused.
 */
export function readSecurityOptions(service: string, value: unknown, findings: Findings): void {
  if (!Array.isArray(value)) {
    findings.refuse(service, "security_opt", "must be a list");
    return;
  }
  for (const option of value) {
    const text = String(option).replace(/:/, "=");
    if (/^no-new-privileges(=true)?$/.test(text)) continue;
    findings.refuse(
      service,
      "security_opt",
      `${String(option)} weakens or replaces the container's isolation (AIMS runs every service with its own seccomp and AppArmor defaults and no-new-privileges)`,
    );
  }
}

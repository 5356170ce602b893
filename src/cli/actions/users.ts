import type { Command } from "commander";
import { revokeUserSessions } from "../../tenancy/sessions.js";
import { cliActor, withPlatform } from "../context.js";
import { printJson } from "../output.js";

/** `aims users sessions revoke <email>`: ends every session of a user (host only). */
export async function runRevokeSessions(
  cmd: Command,
  email: string,
  opts: { json?: boolean },
): Promise<void> {
  const result = await withPlatform(cmd, (p) => revokeUserSessions(p, cliActor(), email));
  if (opts.json) return printJson(result);
  process.stdout.write(`ended ${result.revoked} session(s) of ${result.email}\n`);
}

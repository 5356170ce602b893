import type { Command } from "commander";

/**
 * `aims users sessions revoke <email>`: signs a user out everywhere, for an account that may be in the wrong
 * hands. Host only (it works on this host's store, as the operator; with AIMS_URL set it is refused): over the
 * API a person signs themselves out everywhere with `DELETE /v1/sessions`. Their API keys stay valid.
 */
export function registerUsers(program: Command): void {
  const users = program.command("users").description("people's accounts (host only)");
  const sessions = users.command("sessions").description("a user's sign-in sessions");
  sessions
    .command("revoke <email>")
    .description("end every session of the user with this email (host only; their API keys stay valid)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, email: string, opts: { json?: boolean }) {
      const { runRevokeSessions } = await import("../actions/users.js");
      await runRevokeSessions(this, email, opts);
    });
}

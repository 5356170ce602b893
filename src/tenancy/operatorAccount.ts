import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OperationContext } from "../context.js";
import { isUniqueViolation, withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import { insertUser } from "../store/userRepository.js";
import { peopleChange } from "./change.js";
import { newSecret } from "./tokens.js";
import { newUserRow } from "./users.js";

/** Where the operator's first sign-in (email and password) is written (mode 0600), relative to the data dir. */
export const OPERATOR_LOGIN_FILE = "operator-login.txt";

/** The email of the operator account made on the first start (a `.localhost` name: nobody's real address). */
export const OPERATOR_EMAIL = "operator@aims.localhost";

/** What `ensureOperatorAccount` did: where the sign-in is, and whether it was written just now. */
export interface OperatorAccount {
  path: string;
  email: string;
  created: boolean;
}

/**
 * Makes sure a person can sign in to the dashboard as the operator: on the first start (no platform admin user
 * yet) it creates the user `operator@aims.localhost`, flagged platform admin, with a generated password, and
 * writes both once to `<dataDir>/operator-login.txt` (mode 0600). The store keeps only the password's hash.
 * Later starts change nothing, even when the file was deleted: the password then is the one its owner chose.
 */
export async function ensureOperatorAccount(p: OperationContext): Promise<OperatorAccount> {
  const path = join(p.config.dataDir, OPERATOR_LOGIN_FILE);
  const hasAdmin = async () =>
    Boolean(
      await p.store.db.selectFrom("users").select("id").where("platform_admin", "=", 1).executeTakeFirst(),
    );
  if (await hasAdmin()) return { path, email: OPERATOR_EMAIL, created: false };
  const password = newSecret().slice(0, 24);
  // Hashed before the transaction: argon2 is slow on purpose.
  const row = await newUserRow(p.config, { email: OPERATOR_EMAIL, password, platformAdmin: true });
  try {
    const created = await withTransaction(p.store.db, async (trx) => {
      const again = await trx
        .selectFrom("users")
        .select("id")
        .where("platform_admin", "=", 1)
        .executeTakeFirst();
      if (again) return false;
      await insertUser(trx, row);
      await recordChange(
        trx,
        peopleChange(
          { actor: "system", source: "serve" },
          {
            event: "user.created",
            action: "operator_account.create",
            target: `user/${row.id}`,
            tenantId: null,
            subject: row.id,
            data: { email: row.email, platformAdmin: true },
          },
        ),
      );
      return true;
    });
    if (!created) return { path, email: OPERATOR_EMAIL, created: false };
  } catch (err) {
    // Another process made it in the meantime, or someone already uses the address: nothing to write.
    if (isUniqueViolation(err)) return { path, email: OPERATOR_EMAIL, created: false };
    throw err;
  }
  const text = [
    "# AIMS Deploy Dock: the operator's first sign-in, written once by `aims serve` (AIMS keeps only a hash).",
    "# Sign in with these, change the password (Account and keys), then delete this file.",
    `email: ${OPERATOR_EMAIL}`,
    `password: ${password}`,
    "",
  ].join("\n");
  // Written to a temporary name first and renamed, so a reader never sees half of it.
  const tmp = `${path}.${row.id}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
  renameSync(tmp, path);
  p.logger.warn({ path }, "created the operator account for the dashboard");
  return { path, email: OPERATOR_EMAIL, created: true };
}

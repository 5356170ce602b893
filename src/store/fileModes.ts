import { chmodSync, closeSync, existsSync, openSync, statSync } from "node:fs";

/** Group and world permission bits: a file with any of them set is readable (or more) by other users. */
const OTHERS = 0o077;

/**
 * Creates `path` empty with mode 0600 when it is missing, and takes group and world bits off when it exists.
 * SQLite creates a database's `-wal` and `-shm` files with the database file's own mode, so a database made
 * this way keeps all three private.
 */
export function makePrivateFile(path: string): void {
  closeSync(openSync(path, "a", 0o600));
  tighten(path);
}

/** The files SQLite keeps beside a database in WAL mode. */
export function databaseSidecars(path: string): string[] {
  return [`${path}-wal`, `${path}-shm`];
}

/** Takes group and world bits off the database's `-wal` and `-shm` files where they exist (made by an older AIMS). */
export function makeSidecarsPrivate(path: string): void {
  for (const file of databaseSidecars(path)) if (existsSync(file)) tighten(file);
}

function tighten(path: string): void {
  const mode = statSync(path).mode & 0o777;
  if (mode & OTHERS) chmodSync(path, mode & ~OTHERS & 0o700);
}

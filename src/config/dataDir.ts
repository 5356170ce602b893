import { chmodSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Group and world permission bits. */
const OTHERS = 0o077;

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, "0");

/**
 * Creates the data dir with mode 0700, or takes group and world bits off an existing one: it holds the
 * database, the master key and the operator key. Returns a warning to log when it had to change the mode (or
 * could not), undefined when the dir was private already.
 */
export function makeDataDirPrivate(dataDir: string): string | undefined {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & OTHERS) === 0) return undefined;
  try {
    chmodSync(dataDir, mode & 0o700);
  } catch (err) {
    return `data dir ${dataDir} has mode ${octal(mode)}, so other users can read it, and AIMS could not change it (${(err as Error).message}): run \`chmod 700 ${dataDir}\``;
  }
  return `data dir ${dataDir} had mode ${octal(mode)}, so other users could read it; changed it to ${octal(mode & 0o700)}`;
}

/**
 * What in the data dir other users can read: the dir itself and each entry directly in it (the database and
 * its WAL, SHM and backups, the keys, config.yaml, the proxy's dir). One sentence each, with the fix; empty
 * when all are private. `aims doctor` reports them.
 */
export function dataDirModeProblems(dataDir: string): string[] {
  const problems: string[] = [];
  const dirMode = statSync(dataDir).mode & 0o777;
  if (dirMode & OTHERS)
    problems.push(
      `data dir ${dataDir} has mode ${octal(dirMode)} (run \`chmod 700 ${dataDir}\`; AIMS also fixes it on its next start)`,
    );
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (!entry.isFile() && !entry.isDirectory()) continue;
    const path = join(dataDir, entry.name);
    const mode = statSync(path).mode & 0o777;
    if (mode & OTHERS)
      problems.push(
        `${entry.name} has mode ${octal(mode)} (run \`chmod ${entry.isDirectory() ? "700" : "600"} ${path}\`)`,
      );
  }
  return problems;
}

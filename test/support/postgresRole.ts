import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";

const HINT =
  "the postgres test project and the store benchmark need a PostgreSQL server: run scripts/setup-host.sh (installs and starts it), or set AIMS_TEST_POSTGRES_ADMIN_URL to a superuser's URL";

/** A role of its own on the local server, that may create databases, and how to remove it with all it owns. */
export interface ThrowawayRole {
  role: string;
  /** The role on the maintenance database `postgres`: where it creates and drops its databases. */
  url: string;
  /** `url` with another database. */
  urlOf(database: string): string;
  /** Runs one statement as the role, on its maintenance database. */
  query<R extends Record<string, unknown>>(sql: string): Promise<R[]>;
  /** Drops every database the role owns, then the role. */
  drop(): Promise<void>;
}

/**
 * Creates `<prefix>_<random>` with a random password, reached over 127.0.0.1 (Debian's pg_hba.conf lets
 * a password in). Its commits do not wait for the disk (synchronous_commit off): test data need not survive
 * a crash of the host. A server that does not answer is an error naming how to start one.
 */
export async function createThrowawayRole(prefix: string): Promise<ThrowawayRole> {
  const admin = adminConnection();
  const role = `${prefix}_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(18).toString("hex");
  const port = (await admin.query("show port")).trim();
  await admin.query(`create role ${role} login createdb password '${password}'`);
  await admin.query(`alter role ${role} set synchronous_commit = off`);
  const url = `postgres://${role}:${password}@127.0.0.1:${port}/postgres`;
  const urlOf = (database: string) => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const query = async <R extends Record<string, unknown>>(sql: string): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    role,
    url,
    urlOf,
    query,
    async drop() {
      const owned = await query<{ datname: string }>(
        "select datname from pg_database d join pg_roles r on r.oid = d.datdba where r.rolname = current_user",
      );
      for (const { datname } of owned) await dropDatabase(url, datname);
      await admin.query(`drop role ${role}`);
    },
  };
}

/** Runs one statement on `url` with a connection of its own. */
export async function queryOnce(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Drops a database. Plainly first: the server then stops an autovacuum worker busy in it, which FORCE may not
 * (only a superuser may end the autovacuum's session); FORCE only when a session of ours is still connected.
 */
export async function dropDatabase(url: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await queryOnce(url, `drop database if exists "${name}"`);
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
      if ((err as { code?: string }).code === "55006")
        await queryOnce(url, `drop database if exists "${name}" with (force)`).then(
          () => undefined,
          () => undefined,
        );
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Runs statements as a superuser: AIMS_TEST_POSTGRES_ADMIN_URL, or (as root) the `postgres` user over the socket. */
function adminConnection(): { query(sql: string): Promise<string> } {
  const adminUrl = process.env.AIMS_TEST_POSTGRES_ADMIN_URL;
  if (adminUrl)
    return {
      async query(sql) {
        const client = new pg.Client({ connectionString: adminUrl });
        try {
          await client.connect();
          const result = await client.query(sql);
          return result.rows.map((r) => Object.values(r).join("|")).join("\n");
        } catch (err) {
          throw new Error(`${HINT}: ${(err as Error).message}`);
        } finally {
          await client.end().catch(() => undefined);
        }
      },
    };
  return {
    async query(sql) {
      try {
        return execFileSync(
          "runuser",
          ["-u", "postgres", "--", "psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
          {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
      } catch (err) {
        const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
        throw new Error(`${HINT}: ${stderr}`);
      }
    },
  };
}

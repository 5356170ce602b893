import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openStore } from "../../src/store/database.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The postgres project's role, on its maintenance database: tests create their own databases with it. */
    postgresUrl: string;
    /** A database with every migration applied and no installation row: tests copy it (CREATE DATABASE … TEMPLATE). */
    postgresTemplate: string;
  }
}

const HINT =
  "the postgres test project needs a PostgreSQL server: run scripts/setup-host.sh (installs and starts it), or set AIMS_TEST_POSTGRES_ADMIN_URL to a superuser's URL";

/**
 * Global setup of the postgres project: a throw-away role `aims_test_<random>` that may create databases
 * (each test opens a fresh one, test/support/testStore.ts) and, at the end, drops every database it owns, then
 * itself. A server that does not answer fails the run: the postgres project never skips.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const admin = adminConnection();
  const role = `aims_test_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(18).toString("hex");
  const port = (await admin.query("show port")).trim();
  await admin.query(`create role ${role} login createdb password '${password}'`);
  // Test data need not survive a crash of the host: commits return before the WAL reaches the disk.
  await admin.query(`alter role ${role} set synchronous_commit = off`);
  const url = `postgres://${role}:${password}@127.0.0.1:${port}/postgres`;
  project.provide("postgresUrl", url);
  const template = `${role}_template`;
  await query(url, `create database ${template}`);
  const migrated = new URL(url);
  migrated.pathname = `/${template}`;
  const store = await openStore({ databaseUrl: migrated.toString(), dataDir: "/nonexistent" });
  // Each copy is an installation of its own: openStore gives it its own id.
  await store.db.deleteFrom("installations").execute();
  await store.close();
  project.provide("postgresTemplate", template);
  return async () => {
    const { rows } = await query(
      url,
      "select datname from pg_database d join pg_roles r on r.oid = d.datdba where r.rolname = current_user",
    );
    for (const { datname } of rows) await query(url, `drop database "${datname}" with (force)`);
    await admin.query(`drop role ${role}`);
  };
}

async function query(url: string, sql: string): Promise<{ rows: Array<Record<string, string>> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
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

import type { TestProject } from "vitest/node";
import { openStore } from "../../src/store/database.js";
import { createThrowawayRole } from "./postgresRole.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The postgres project's role, on its maintenance database: tests create their own databases with it. */
    postgresUrl: string;
    /** A database with every migration applied and no installation row: tests copy it (CREATE DATABASE … TEMPLATE). */
    postgresTemplate: string;
  }
}

/**
 * Global setup of the postgres project: a throw-away role `aims_test_<random>` that may create databases
 * (each test opens a fresh one, test/support/testStore.ts, copied from a migrated template: a copy takes a tenth
 * of the time migrating takes) and, at the end, drops every database it owns, then itself. A server that does
 * not answer fails the run: the postgres project never skips.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const role = await createThrowawayRole("aims_test");
  project.provide("postgresUrl", role.url);
  const template = `${role.role}_template`;
  await role.query(`create database ${template}`);
  const store = await openStore({ databaseUrl: role.urlOf(template), dataDir: "/nonexistent" });
  // Each copy is an installation of its own: openStore gives it its own id.
  await store.db.deleteFrom("installations").execute();
  await store.close();
  project.provide("postgresTemplate", template);
  return () => role.drop();
}

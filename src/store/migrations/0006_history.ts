import { type Kysely, sql } from "kysely";

/**
 * Revision history and the last failure (issue "Lifecycle and CLI fixes"): each revision records what
 * it changed, who asked, and whether it became healthy, failed or was rolled back; an instance keeps
 * its last failure (what failed, exit code, OOM, last log lines) until a change succeeds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("instance_revisions")
    .addColumn("changes", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
  await db.schema.alterTable("instance_revisions").addColumn("actor", "text").execute();
  await db.schema.alterTable("instance_revisions").addColumn("outcome", "text").execute();
  await db.schema.alterTable("instance_revisions").addColumn("outcome_reason", "text").execute();
  await db.schema.alterTable("instance_revisions").addColumn("settled_at", "text").execute();
  await db.schema.alterTable("instances").addColumn("last_failure", "text").execute();
  // Revisions of earlier releases: the one that ran healthy is known; older ones that ran before it too.
  await sql`
    update instance_revisions set outcome = 'healthy'
    where revision <= (select running_revision from instances i where i.id = instance_revisions.instance_id)`.execute(
    db,
  );
}

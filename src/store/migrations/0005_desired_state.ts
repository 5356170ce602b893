import { type Kysely, sql } from "kysely";

/**
 * Desired state says what a person asked for; observed state is written only by the reconciler
 * (Architecture II-a). A restart request becomes `restart_requested_at` (desired) answered by
 * `restart_done_at` (observed) instead of an operation writing `observed_state = 'pending'`; an update
 * is a desired `revision` that differs from `running_revision` (observed: the last revision that became
 * healthy, and so the one a failed update rolls back to) instead of `observed_state = 'updating'`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("instances").addColumn("restart_requested_at", "text").execute();
  await db.schema.alterTable("instances").addColumn("restart_done_at", "text").execute();
  await db.schema.alterTable("instances").addColumn("running_revision", "integer").execute();
  // The error code of a failed first deploy (e.g. `unavailable` for an image that cannot be pulled).
  await db.schema.alterTable("instances").addColumn("failure_code", "text").execute();
  // Rows written by earlier releases: what ran healthy, and restarts they had asked for.
  await sql`
    update instances set running_revision = case
      when observed_state = 'updating' then (
        select max(r.revision) from instance_revisions r
        where r.instance_id = instances.id and r.revision < instances.revision)
      else revision end
    where first_ready_at is not null`.execute(db);
  await sql`
    update instances set restart_requested_at = updated_at
    where observed_state = 'pending' and first_ready_at is not null`.execute(db);
}

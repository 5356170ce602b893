import { type Kysely, sql } from "kysely";

/**
 * Kept volumes become store objects (issue "Lifecycle and CLI fixes", item 3): `kept_volumes` rows with
 * their own id, tenant, plug, service, volume, mount path, Docker volume, the instance they came from and
 * the sealed secrets their data was written with. Instances deployed from now on name their volumes by
 * instance id (`volume_naming = 'id'`); every instance that exists already keeps the name-derived volumes
 * it has (`'name'`), or its next update would mount empty ones.
 *
 * Adoption of volumes kept by earlier releases: this migration sees only the store, and the store never
 * recorded which volumes were kept (nor their secrets: those were deleted with the instance). So the tick
 * adopts them: a volume labelled with this install and with an instance removed with `keepVolumes` that is
 * `'name'`-named becomes a `kept_volumes` row (secrets not recorded), attached to the active instance that
 * mounts it under the same name if there is one (`findAdoptions` in src/lifecycle/planTick.ts). Until the
 * first tick (`aims reconcile`, or `aims serve` starting) such volumes are protected as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("instances")
    .addColumn("volume_naming", "text", (c) => c.notNull().defaultTo("id"))
    .execute();
  await sql`update instances set volume_naming = 'name'`.execute(db);

  await db.schema
    .createTable("kept_volumes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("plug_id", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("volume", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("docker_volume", "text", (c) => c.notNull())
    .addColumn("instance_id", "text", (c) => c.notNull().references("instances.id"))
    .addColumn("instance_name", "text", (c) => c.notNull())
    .addColumn("secrets", "text")
    .addColumn("kept_at", "text", (c) => c.notNull())
    .addColumn("reattached_to", "text", (c) => c.references("instances.id"))
    .addColumn("remove_requested_at", "text")
    .addColumn("removed_at", "text")
    .execute();
  // One live row per Docker volume: two ticks adopting the same volume at once insert it once.
  await db.schema
    .createIndex("kept_volumes_docker_volume")
    .on("kept_volumes")
    .column("docker_volume")
    .unique()
    .where(sql.ref("removed_at"), "is", null)
    .execute();
  await db.schema.createIndex("kept_volumes_tenant_id").on("kept_volumes").column("tenant_id").execute();
  await db.schema
    .createIndex("kept_volumes_reattached_to")
    .on("kept_volumes")
    .column("reattached_to")
    .execute();
}

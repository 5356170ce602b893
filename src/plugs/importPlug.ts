import * as z from "zod";
import { MAX_COMPOSE_BYTES } from "../compose/composeModel.js";
import { importCompose } from "../compose/translateCompose.js";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { newId, newNameSchema } from "../domain/names.js";
import { assertTenantRuns } from "../domain/tenantStatus.js";
import type { Actor } from "../lifecycle/actor.js";
import { parseInput } from "../lifecycle/parseInput.js";
import { recordChange } from "../store/recordChange.js";
import {
  insertTenantPlug,
  listTenantPlugVersions,
  nextTenantPlugVersion,
} from "../store/tenantPlugRepository.js";
import { findTenantByName, lockTenant } from "../store/tenantRepository.js";
import { type TenantPlugView, tenantPlugView } from "./tenantPlugView.js";

/** Files uploaded beside the compose file: at most 20, each a relative path and at most 64 KiB of text. */
const uploadedFiles = z
  .record(
    z
      .string()
      .min(1)
      .max(255)
      .refine((path) => !path.startsWith("/") && !path.split(/[\\/]/).includes(".."), {
        message: "must be a path relative to the compose file (no leading / and no ..)",
      }),
    z.string().max(64 * 1024, { message: "must be at most 64 KiB" }),
  )
  .refine((files) => Object.keys(files).length <= 20, { message: "at most 20 files" })
  .default({});

export const importPlugInputSchema = z.strictObject({
  tenant: newNameSchema,
  /** The plug's name (its id for `aims deploy`); the compose file's own `name:` when left out. */
  name: newNameSchema.optional(),
  compose: z
    .string()
    .min(1, { message: "is required: the text of a docker-compose.yml" })
    .max(MAX_COMPOSE_BYTES, { message: `must be at most ${MAX_COMPOSE_BYTES / 1024} KiB` }),
  files: uploadedFiles,
  /** Translate and report only; store nothing. */
  dryRun: z.boolean().default(false),
});
export type ImportPlugInput = z.input<typeof importPlugInputSchema>;

/**
 * Imports a compose file as the tenant's private plug: translated (and refused with reasons) before anything is
 * written, then one transaction under the tenant's lock stores it as the next version under its name, with an
 * event and an audit entry. A catalog plug's id is refused as a name.
 */
export async function importPlug(
  p: OperationContext,
  raw: ImportPlugInput,
  actor: Actor,
): Promise<TenantPlugView> {
  const input = parseInput(importPlugInputSchema, raw);
  const tenant = await findTenantByName(p.store.db, input.tenant);
  if (!tenant) throw new AimsError("not_found", `no tenant ${input.tenant}`);
  assertTenantRuns(tenant);
  const name = input.name ?? composeName(input.compose);
  if (p.catalog.entries.some((e) => e.plug.id === name))
    throw new AimsError(
      "conflict",
      `${name} is a catalog plug's id; a private plug takes another name (--name)`,
    );
  // Translated before any lock is taken (as version 1; the stored version is set below), so a refused file
  // costs the store nothing.
  const first = importCompose(input.compose, { id: name, version: 1, files: input.files });
  if (input.dryRun) {
    const version = await nextTenantPlugVersion(p.store.db, tenant.id, name);
    const translation = { ...first, plug: { ...first.plug, version: `${version}.0.0` } };
    return tenantPlugView(rowOf(tenant.id, name, version, translation, input.compose, actor), tenant.name);
  }
  return p.store.db.transaction().execute(async (trx) => {
    const locked = (await lockTenant(trx, tenant.id)) ?? tenant;
    assertTenantRuns(locked);
    const version = await nextTenantPlugVersion(trx, tenant.id, name);
    const translation = { ...first, plug: { ...first.plug, version: `${version}.0.0` } };
    const row = rowOf(tenant.id, name, version, translation, input.compose, actor);
    await insertTenantPlug(trx, row);
    const data = {
      plug: name,
      version,
      services: translation.plug.services.map((s) => s.name),
      changed: translation.report.changed.length,
      ignored: translation.report.ignored.length,
    };
    await recordChange(trx, {
      event: { type: "plug.imported", tenantId: tenant.id, subject: `${tenant.name}/${name}`, data },
      audit: {
        actor: actor.id,
        source: actor.source,
        action: "plug.import",
        target: `tenant/${tenant.name}/plug/${name}`,
        tenantId: tenant.id,
        result: "ok",
        data,
      },
    });
    const versions = (await listTenantPlugVersions(trx, tenant.id, name)).map((r) => r.version);
    return tenantPlugView(row, tenant.name, versions);
  });
}

function rowOf(
  tenantId: string,
  name: string,
  version: number,
  translation: ReturnType<typeof importCompose>,
  source: string,
  actor: Actor,
) {
  return {
    id: newId(),
    tenant_id: tenantId,
    name,
    version,
    manifest: JSON.stringify(translation.plug),
    source,
    report: JSON.stringify(translation.report),
    created_by: actor.id,
    created_at: new Date().toISOString(),
    removed_at: null,
  };
}

/** The compose file's top-level `name:`, when it is a valid plug name; else the import must be named. */
function composeName(text: string): string {
  const m = /^name:\s*["']?([a-z0-9][a-z0-9-]{0,30})["']?\s*$/m.exec(text);
  const parsed = newNameSchema.safeParse(m?.[1]);
  if (!parsed.success)
    throw new AimsError(
      "invalid_input",
      "name the plug: the compose file has no top-level `name:` that is a plug name (use --name, or `name` in the request)",
    );
  return parsed.data;
}

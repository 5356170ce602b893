import { approvalHash, sealArgs } from "../../src/approvals/approvalArgs.js";
import { newSpec } from "../../src/domain/instanceSpec.js";
import { newId } from "../../src/domain/names.js";
import { instanceChange } from "../../src/lifecycle/changeRecord.js";
import type { Platform } from "../../src/platform.js";
import { withTransaction } from "../../src/store/database.js";
import { insertInstance } from "../../src/store/instanceRepository.js";
import { insertMember } from "../../src/store/memberRepository.js";
import { recordChange } from "../../src/store/recordChange.js";
import { findTenantByName } from "../../src/store/tenantRepository.js";
import type { Role } from "../../src/tenancy/roles.js";
import type { ApiFixture } from "./apiFixture.js";
import { instanceRow } from "./rows.js";

/**
 * Writes an instance row (desired running, observed ready) with its created event, straight through the store:
 * for tests about the API's view of instances, where running containers are not the point.
 */
export async function storeInstance(
  p: Platform,
  tenantName: string,
  name: string,
  plugId = "static-site",
): Promise<string> {
  const tenant = (await findTenantByName(p.store.db, tenantName))!;
  const now = new Date().toISOString();
  const entry = p.catalog.get(plugId);
  const row = instanceRow({
    tenant_id: tenant.id,
    name,
    plug_id: entry.plug.id,
    plug_version: entry.plug.version,
    spec: JSON.stringify(
      newSpec(entry, {}, p.plans.get(tenant.plan ?? p.plans.defaultPlan.name).defaultResources),
    ),
    created_at: now,
    updated_at: now,
    first_ready_at: now,
  });
  await withTransaction(p.store.db, async (trx) => {
    await insertInstance(trx, row);
    await recordChange(
      trx,
      instanceChange(
        { id: "test", source: "test" },
        tenant,
        { id: row.id, name },
        { event: "instance.created", action: "instance.deploy" },
      ),
    );
  });
  return row.id;
}

/** A tenant with an owner (session and personal key), a service key, an invitation, an instance and members by role. */
export interface TenantWorld {
  name: string;
  id: string;
  owner: { id: string; session: { cookie: string; csrf: string } };
  ownerKey: { id: string; key: string };
  serviceKey: { id: string; key: string };
  invitation: { id: string; token: string };
  instance: { id: string; name: string };
  /** A user per role (owner included: a second owner), signed in. */
  members: Record<Role, { id: string; session: { cookie: string; csrf: string } }>;
  /** An approval of the tenant (already denied: deciding it again changes nothing). */
  approval: { id: string };
  /** A conversation of the owner's with ACHEEVY. */
  conversation: { id: string };
  /** A webhook alert channel of the tenant (never called: no outbox runs in the API fixture). */
  webhook: { id: string };
  /** A private plug of the tenant's, imported from a compose file through the API. */
  plug: { name: string };
}

/** An approval row of a tenant, denied, and a conversation of `ownerId`'s, written straight to the store. */
async function storeAcheevyObjects(p: Platform, tenantId: string, ownerId: string, instance: string) {
  const now = new Date().toISOString();
  const conversation = newId();
  const approval = newId();
  await withTransaction(p.store.db, async (trx) => {
    await trx
      .insertInto("conversations")
      .values({
        id: conversation,
        tenant_id: tenantId,
        owner: `user:${ownerId}`,
        title: "stop it",
        created_at: now,
        updated_at: now,
      })
      .execute();
    const args = { instance };
    const { sealed, canonical } = sealArgs(p.masterKey, approval, args);
    await trx
      .insertInto("approvals")
      .values({
        id: approval,
        tenant_id: tenantId,
        tool: "instance.stop",
        args: sealed,
        shown_args: canonical,
        args_hash: approvalHash(p.masterKey, tenantId, "instance.stop", canonical),
        risk: "change",
        summary: `Stop instance ${instance}`,
        impact: "{}",
        requested_by: `user:${ownerId}`,
        requested_source: "test",
        conversation_id: conversation,
        status: "denied",
        decided_by: `user:${ownerId}`,
        decided_source: "test",
        decided_at: now,
        executed_at: null,
        finished_at: now,
        result: null,
        error: null,
        created_at: now,
        expires_at: now,
      })
      .execute();
  });
  return { approval: { id: approval }, conversation: { id: conversation } };
}

/** Builds a tenant through the API (and instance rows through the store). */
export async function buildTenant(f: ApiFixture, name: string): Promise<TenantWorld> {
  const owner = await f.signUp(`owner@${name}.example`);
  const created = await f.call("POST", "/v1/tenants", { as: owner.session, body: { name } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const ownerKey = (await f.call("POST", "/v1/keys", { as: owner.session, body: { name: "mine" } })).json();
  const serviceKey = (
    await f.call("POST", `/v1/tenants/${name}/keys`, {
      as: owner.session,
      body: { name: "svc", role: "admin" },
    })
  ).json();
  const invitation = (
    await f.call("POST", `/v1/tenants/${name}/invitations`, {
      as: owner.session,
      body: { email: `new@${name}.example`, role: "member" },
    })
  ).json();
  const plugName = `plug-${name}`;
  const imported = await f.call("POST", `/v1/tenants/${name}/plugs`, {
    as: owner.session,
    body: {
      name: plugName,
      compose: "services:\n  web:\n    image: aims-base/busybox:1\n    ports: ['80']\n",
    },
  });
  if (imported.statusCode !== 201) throw new Error(imported.body);
  const instanceName = `inst-${name}`;
  const instanceId = await storeInstance(f.platform, name, instanceName);
  const tenantId = created.json().id as string;
  const members = {} as TenantWorld["members"];
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    const user = await f.signUp(`${role}.member@${name}.example`);
    await insertMember(f.platform.store.db, { tenantId, userId: user.id, role });
    members[role] = user;
  }
  const acheevy = await storeAcheevyObjects(f.platform, tenantId, owner.id, instanceName);
  const webhook = await f.call("POST", `/v1/tenants/${name}/webhooks`, {
    as: owner.session,
    body: { url: `https://hooks.${name}.example/aims` },
  });
  if (webhook.statusCode !== 201) throw new Error(webhook.body);
  return {
    ...acheevy,
    webhook: { id: webhook.json().id as string },
    name,
    id: tenantId,
    owner,
    ownerKey: { id: ownerKey.id, key: ownerKey.key },
    serviceKey: { id: serviceKey.id, key: serviceKey.key },
    invitation: { id: invitation.id, token: invitation.token },
    instance: { id: instanceId, name: instanceName },
    members,
    plug: { name: plugName },
  };
}

import type { Executor } from "../store/database.js";

/**
 * What a person reads for an audit actor: a user's email (`user:<id>`), a key's name (`key:<id>`), the host
 * user (`cli:<name>`). Actors the store no longer knows (a deleted key) keep their id. One query per kind.
 */
export async function actorNames(
  ex: Executor,
  actors: Iterable<string>,
): Promise<ReadonlyMap<string, string>> {
  const wanted = [...new Set(actors)];
  const ids = (prefix: string) =>
    wanted.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
  const userIds = ids("user:");
  const keyIds = ids("key:");
  const [users, keys] = await Promise.all([
    userIds.length
      ? ex.selectFrom("users").select(["id", "email"]).where("id", "in", userIds).execute()
      : Promise.resolve([]),
    keyIds.length
      ? ex.selectFrom("api_keys").select(["id", "name"]).where("id", "in", keyIds).execute()
      : Promise.resolve([]),
  ]);
  const names = new Map<string, string>();
  for (const actor of wanted)
    if (actor.startsWith("cli:")) names.set(actor, `${actor.slice(4)} (on the host)`);
  for (const u of users) names.set(`user:${u.id}`, u.email);
  for (const k of keys) names.set(`key:${k.id}`, `key ${k.name}`);
  return names;
}

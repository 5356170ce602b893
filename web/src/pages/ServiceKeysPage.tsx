import { Button, Group, NativeSelect, Paper, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { Role, Tenant } from "../api/types";
import { ErrorNotice, Loading, PageTitle } from "../components/Feedback";
import { EXPIRY_CHOICES, expiryFrom, KeyTable } from "../components/KeyTable";
import { ShownOnce } from "../components/ShownOnce";
import { allPages, useResource } from "../hooks/useResource";
import { mayRole } from "../session/permissions";

/** A tenant's service keys (for CI and programs): a role at most yours, working only while you keep yours. */
export function ServiceKeysPage({ tenant }: { tenant: Tenant }) {
  const keys = useResource(
    () =>
      allPages((cursor) =>
        must(
          api.GET("/v1/tenants/{tenant}/keys", {
            params: { path: { tenant: tenant.name }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    [tenant.name],
  );
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [expiry, setExpiry] = useState("");
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const key = await must(
        api.POST("/v1/tenants/{tenant}/keys", {
          params: { path: { tenant: tenant.name } },
          body: { name, role, ...expiryFrom(expiry) },
        }),
      );
      setCreated(key.key);
      setName("");
      keys.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle title="Service keys">
        Keys of {tenant.name} for programs (CI, scripts): they belong to the tenant, act with the role given,
        and stop working when whoever made them leaves.
      </PageTitle>
      <Paper withBorder p="md">
        <Stack>
          {created ? (
            <ShownOnce label="The new service key" value={created} onDone={() => setCreated(undefined)} />
          ) : null}
          <form onSubmit={submit}>
            <Group align="flex-end" wrap="wrap">
              <TextInput
                label="Key name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                required
                maxLength={100}
              />
              <NativeSelect
                label="Role"
                value={role}
                onChange={(e) => setRole(e.currentTarget.value as Role)}
                data={mayRole.assignable(tenant.role)}
              />
              <NativeSelect
                label="Expires"
                value={expiry}
                onChange={(e) => setExpiry(e.currentTarget.value)}
                data={EXPIRY_CHOICES}
              />
              <Button type="submit" loading={busy}>
                Create key
              </Button>
            </Group>
          </form>
          <ErrorNotice error={error} title="No key created" />
          <ErrorNotice error={keys.error} />
          {keys.data ? (
            <KeyTable
              keys={keys.data}
              onRevoke={async (key) => {
                await must(
                  api.DELETE("/v1/tenants/{tenant}/keys/{keyId}", {
                    params: { path: { tenant: tenant.name, keyId: key.id } },
                  }),
                );
                keys.reload();
              }}
            />
          ) : keys.loading ? (
            <Loading />
          ) : null}
        </Stack>
      </Paper>
    </>
  );
}

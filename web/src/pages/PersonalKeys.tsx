import { Button, Group, NativeSelect, Paper, Stack, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { Role } from "../api/types";
import { ErrorNotice, Loading } from "../components/Feedback";
import { EXPIRY_CHOICES, expiryFrom, KeyTable } from "../components/KeyTable";
import { ShownOnce } from "../components/ShownOnce";
import { allPages, useResource } from "../hooks/useResource";
import { useSession } from "../session/SessionProvider";

/** Your personal API keys: never more than you may do; optionally one tenant, a role cap, an expiry. */
export function PersonalKeys() {
  const { tenants } = useSession();
  const keys = useResource(
    () =>
      allPages((cursor) =>
        must(api.GET("/v1/keys", { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } })),
      ),
    [],
  );
  const [name, setName] = useState("");
  const [tenant, setTenant] = useState("");
  const [role, setRole] = useState("");
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
        api.POST("/v1/keys", {
          body: {
            name,
            ...(tenant ? { tenant } : {}),
            ...(role ? { role: role as Role } : {}),
            ...expiryFrom(expiry),
          },
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
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          Your API keys
        </Title>
        {created ? (
          <ShownOnce label="Your new key" value={created} onDone={() => setCreated(undefined)} />
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
              label="Only for tenant"
              value={tenant}
              onChange={(e) => setTenant(e.currentTarget.value)}
              data={[{ value: "", label: "Any of mine" }, ...tenants.map((t) => t.name)]}
            />
            <NativeSelect
              label="At most the role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value)}
              data={[{ value: "", label: "My own" }, "admin", "member", "viewer"]}
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
              await must(api.DELETE("/v1/keys/{keyId}", { params: { path: { keyId: key.id } } }));
              keys.reload();
            }}
          />
        ) : keys.loading ? (
          <Loading />
        ) : null}
      </Stack>
    </Paper>
  );
}

import { Button, Group, NativeSelect, Stack, Table, TextInput, VisuallyHidden } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { Invitation, Role, Tenant } from "../api/types";
import { Confirm } from "../components/Confirm";
import { EmptyState, ErrorNotice, Loading } from "../components/Feedback";
import { ShownOnce } from "../components/ShownOnce";
import { StateBadge } from "../components/StateBadge";
import { TableScroll } from "../components/TableScroll";
import { Time } from "../components/Time";
import { allPages, useResource } from "../hooks/useResource";
import { mayRole } from "../session/permissions";

/** The link a person opens to accept: the token rides in the fragment, which no server sees. */
export function invitationLink(token: string): string {
  return `${window.location.origin}/invitation#${encodeURIComponent(token)}`;
}

/** A tenant's invitations: invite by email and role (the link is shown once), revoke open ones. */
export function Invitations({ tenant }: { tenant: Tenant }) {
  const invitations = useResource(
    () =>
      allPages((cursor) =>
        must(
          api.GET("/v1/tenants/{tenant}/invitations", {
            params: { path: { tenant: tenant.name }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    [tenant.name],
  );
  const roles = mayRole.assignable(tenant.role);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<Invitation>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const made = await must(
        api.POST("/v1/tenants/{tenant}/invitations", {
          params: { path: { tenant: tenant.name } },
          body: { email, role },
        }),
      );
      setLink(invitationLink(made.token));
      setEmail("");
      invitations.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      {link ? (
        <ShownOnce
          label="Send this link to the person you invited"
          value={link}
          onDone={() => setLink(undefined)}
        />
      ) : null}
      <form onSubmit={submit}>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            required
          />
          <NativeSelect
            label="Role"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
            data={roles}
          />
          <Button type="submit" loading={busy}>
            Invite
          </Button>
        </Group>
      </form>
      <ErrorNotice error={error} title="Not invited" />
      <ErrorNotice error={invitations.error} />
      {invitations.data ? (
        invitations.data.length ? (
          <TableScroll minWidth={560} label="Invitations">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invitations.data.map((invitation) => (
                  <Table.Tr key={invitation.id} data-invitation={invitation.email}>
                    <Table.Td>{invitation.email}</Table.Td>
                    <Table.Td>{invitation.role}</Table.Td>
                    <Table.Td>
                      <StateBadge state={invitation.status} />
                    </Table.Td>
                    <Table.Td>
                      <Time iso={invitation.expiresAt} />
                    </Table.Td>
                    <Table.Td>
                      {invitation.status === "open" ? (
                        <Button
                          size="xs"
                          color="red"
                          variant="subtle"
                          onClick={() => setRevoking(invitation)}
                        >
                          Revoke
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        ) : (
          <EmptyState title="No invitations yet" />
        )
      ) : invitations.loading ? (
        <Loading />
      ) : null}
      <Confirm
        opened={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        title={`Revoke the invitation of ${revoking?.email ?? ""}?`}
        confirmLabel="Revoke"
        danger
        onConfirm={async () => {
          if (!revoking) return;
          await must(
            api.DELETE("/v1/tenants/{tenant}/invitations/{invitationId}", {
              params: { path: { tenant: tenant.name, invitationId: revoking.id } },
            }),
          );
          invitations.reload();
        }}
      >
        Its link stops working.
      </Confirm>
    </Stack>
  );
}

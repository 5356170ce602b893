import { Button, NativeSelect, Paper, Stack, Table, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { Member, Role, Tenant } from "../api/types";
import { Confirm } from "../components/Confirm";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../components/Feedback";
import { TableScroll } from "../components/TableScroll";
import { Time } from "../components/Time";
import { allPages, useResource } from "../hooks/useResource";
import { mayRole } from "../session/permissions";
import { useSession } from "../session/SessionProvider";
import { Invitations } from "./Invitations";

/** A tenant's members and their roles; admins change roles, remove people and invite. */
export function MembersPage({ tenant }: { tenant: Tenant }) {
  const { user } = useSession();
  const members = useResource(
    () =>
      allPages((cursor) =>
        must(
          api.GET("/v1/tenants/{tenant}/members", {
            params: { path: { tenant: tenant.name }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    [tenant.name],
  );
  const manage = mayRole.manageMembers(tenant.role);
  const [removing, setRemoving] = useState<Member>();
  const [error, setError] = useState<string>();
  const changeRole = async (member: Member, role: Role) => {
    setError(undefined);
    try {
      await must(
        api.PATCH("/v1/tenants/{tenant}/members/{userId}", {
          params: { path: { tenant: tenant.name, userId: member.userId } },
          body: { role },
        }),
      );
    } catch (err) {
      setError(messageOf(err));
    }
    members.reload();
  };
  return (
    <>
      <PageTitle title="Members">Who can see and change {tenant.name}, and with which role.</PageTitle>
      <Stack gap="lg">
        <Paper withBorder p="md">
          <ErrorNotice error={error ?? members.error} />
          {members.data ? (
            members.data.length ? (
              <TableScroll minWidth={520} label="Members">
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Email</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Since</Table.Th>
                      {manage ? (
                        <Table.Th>
                          <VisuallyHidden>Actions</VisuallyHidden>
                        </Table.Th>
                      ) : null}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {members.data.map((member) => (
                      <Table.Tr key={member.userId} data-member={member.email}>
                        <Table.Td>{member.email}</Table.Td>
                        <Table.Td>
                          {manage && (member.role !== "owner" || tenant.role === "owner") ? (
                            <NativeSelect
                              size="xs"
                              aria-label={`Role of ${member.email}`}
                              value={member.role}
                              data={mayRole.assignable(tenant.role)}
                              onChange={(e) => changeRole(member, e.currentTarget.value as Role)}
                              w={120}
                            />
                          ) : (
                            member.role
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Time iso={member.since} />
                        </Table.Td>
                        {manage ? (
                          <Table.Td>
                            <Button
                              size="xs"
                              color="red"
                              variant="subtle"
                              onClick={() => setRemoving(member)}
                            >
                              {member.userId === user?.id ? "Leave" : "Remove"}
                            </Button>
                          </Table.Td>
                        ) : null}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </TableScroll>
            ) : (
              <EmptyState title="No members yet">
                A tenant created by a first deploy on the host has none until someone is invited.
              </EmptyState>
            )
          ) : members.loading ? (
            <Loading />
          ) : null}
        </Paper>
        {mayRole.manageMembers(tenant.role) ? (
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              Invitations
            </Title>
            <Invitations tenant={tenant} />
          </Paper>
        ) : null}
      </Stack>
      <Confirm
        opened={removing !== undefined}
        onClose={() => setRemoving(undefined)}
        title={`Remove ${removing?.email ?? ""}?`}
        confirmLabel="Remove"
        danger
        onConfirm={async () => {
          if (!removing) return;
          await must(
            api.DELETE("/v1/tenants/{tenant}/members/{userId}", {
              params: { path: { tenant: tenant.name, userId: removing.userId } },
            }),
          );
          members.reload();
        }}
      >
        They lose access to {tenant.name} at once, and the service keys they made stop working.
      </Confirm>
    </>
  );
}

import { Badge, Button, Code, Table, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import type { ApiKey } from "../api/types";
import { Confirm } from "./Confirm";
import { EmptyState } from "./Feedback";
import { TableScroll } from "./TableScroll";
import { Time } from "./Time";

/** API keys by name and prefix (never the key), with their limits, and Revoke for the live ones. */
export function KeyTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke(key: ApiKey): Promise<unknown> }) {
  const [revoking, setRevoking] = useState<ApiKey>();
  if (!keys.length) return <EmptyState title="No keys yet" />;
  return (
    <>
      <TableScroll minWidth={640} label="API keys">
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Starts with</Table.Th>
              <Table.Th>Limited to</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.map((key) => (
              <Table.Tr key={key.id} data-key={key.name}>
                <Table.Td>{key.name}</Table.Td>
                <Table.Td>
                  <Code>{key.prefix}…</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {[
                      key.tenant && `tenant ${key.tenant}`,
                      key.role && `role ${key.role}`,
                      key.scopes?.join(", "),
                    ]
                      .filter(Boolean)
                      .join("; ") || "nothing (all you may do)"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Time iso={key.lastUsedAt} />
                </Table.Td>
                <Table.Td>
                  <Time iso={key.expiresAt} />
                </Table.Td>
                <Table.Td>
                  {key.revokedAt ? (
                    <Badge color="gray" variant="light">
                      revoked
                    </Badge>
                  ) : (
                    <Button size="xs" color="red" variant="subtle" onClick={() => setRevoking(key)}>
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      <Confirm
        opened={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        title={`Revoke ${revoking?.name ?? "the key"}?`}
        confirmLabel="Revoke"
        danger
        onConfirm={() => (revoking ? onRevoke(revoking) : Promise.resolve())}
      >
        Programs using it (and keys made with it) stop working at once. This cannot be undone.
      </Confirm>
    </>
  );
}

/** Expiry choices for a new key, as an ISO time (or none). */
export const EXPIRY_CHOICES = [
  { value: "", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

/** The `expiresAt` for an expiry choice. */
export function expiryFrom(choice: string): { expiresAt?: string } {
  return choice ? { expiresAt: new Date(Date.now() + Number(choice) * 86_400_000).toISOString() } : {};
}

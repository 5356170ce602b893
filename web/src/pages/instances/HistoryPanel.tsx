import { Code, Paper, Table, Text } from "@mantine/core";
import { api } from "../../api/client";
import { must } from "../../api/errors";
import { ErrorNotice, Loading } from "../../components/Feedback";
import { StateBadge } from "../../components/StateBadge";
import { TableScroll } from "../../components/TableScroll";
import { Time } from "../../components/Time";
import { useResource } from "../../hooks/useResource";

/** What a revision changed, in a line: input names (never values), images, limits, version. */
function describeChanges(changes: Record<string, unknown>): string {
  const parts = Object.entries(changes).map(([key, value]) =>
    value === true ? key : `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
  );
  return parts.join("; ") || "—";
}

/** The revisions of an instance, newest first: what each changed, who asked, when, and what became of it. */
export function HistoryPanel({ tenant, name, revision }: { tenant: string; name: string; revision: number }) {
  const history = useResource(
    () =>
      must(api.GET("/v1/tenants/{tenant}/instances/{name}/history", { params: { path: { tenant, name } } })),
    [tenant, name, revision],
  );
  if (history.error) return <ErrorNotice error={history.error} />;
  if (!history.data) return <Loading />;
  return (
    <Paper withBorder>
      <TableScroll minWidth={640} label="Revisions">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Revision</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Changed</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...history.data.revisions].reverse().map((r) => (
              <Table.Tr key={r.revision} data-revision={r.revision}>
                <Table.Td>
                  {r.revision}{" "}
                  <Text span size="xs" c="dimmed">
                    ({r.version}
                    {r.running ? ", running" : ""})
                  </Text>
                </Table.Td>
                <Table.Td>
                  <StateBadge state={r.outcome} />
                  {r.reason ? (
                    <Text size="xs" c="dimmed" maw={320}>
                      {r.reason}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Code>{describeChanges(r.changes)}</Code>
                </Table.Td>
                <Table.Td>{r.by ?? "—"}</Table.Td>
                <Table.Td>
                  <Time iso={r.at} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
    </Paper>
  );
}

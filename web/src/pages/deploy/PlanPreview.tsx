import { Code, List, Paper, Table, Text, Title } from "@mantine/core";
import type { DeployPlan } from "../../api/types";
import { TableScroll } from "../../components/TableScroll";

/** A dry run's plan: what the deploy would create (network, containers with image, user, limits; ports; volumes). */
export function PlanPreview({ plan }: { plan: DeployPlan }) {
  const p = plan.plan;
  return (
    <Paper withBorder p="md" data-plan>
      <Title order={2} size="h4" mb="xs">
        The plan (nothing is created yet)
      </Title>
      <Text size="sm" mb="sm">
        {plan.plug} {plan.version} in network <Code>{p.network}</Code>
      </Text>
      <TableScroll minWidth={560} label="Containers of the plan">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Container</Table.Th>
              <Table.Th>Image</Table.Th>
              <Table.Th>Runs as</Table.Th>
              <Table.Th>Limits</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {p.containers.map((c) => (
              <Table.Tr key={c.name}>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>
                  <Code>{c.image}</Code>
                </Table.Td>
                <Table.Td>{c.user}</Table.Td>
                <Table.Td>
                  {c.limits.cpus} CPU, {c.limits.memoryMiB} MiB, {c.limits.pids} processes
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      <List size="sm" mt="sm" spacing={2}>
        <List.Item>
          Ports:{" "}
          {p.ports.length
            ? p.ports
                .map(
                  (port) =>
                    `${port.service}/${port.name} ${port.container}/${port.protocol}${port.host ? ` → host ${port.host}` : ""}`,
                )
                .join(", ")
            : "none"}
        </List.Item>
        <List.Item>
          Volumes: {p.volumes.length ? p.volumes.map((v) => `${v.name} at ${v.path}`).join(", ") : "none"}
        </List.Item>
        <List.Item>Secrets (names only): {p.secrets.length ? p.secrets.join(", ") : "none"}</List.Item>
      </List>
    </Paper>
  );
}

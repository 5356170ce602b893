import { Anchor, Badge, Button, Code, Group, List, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { api } from "../api/client";
import { must } from "../api/errors";
import type { Plug, Tenant } from "../api/types";
import { ErrorNotice, Loading, PageTitle } from "../components/Feedback";
import { TableScroll } from "../components/TableScroll";
import { useResource } from "../hooks/useResource";
import { Link, pathTo } from "../router/router";
import { mayRole } from "../session/permissions";

/** Bytes as a person reads a memory size. */
export function bytes(n: unknown): string {
  if (typeof n !== "number") return String(n ?? "—");
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 ? 1 : 0)} GiB`;
  return `${Math.round(n / 1024 ** 2)} MiB`;
}

/** A service's declared limits; a value it leaves out is the tenant's plan's default (docs/plans.md). */
function limitsText(r: { cpu?: number; memory?: unknown; pids?: number }): string {
  const plan = "the plan's default";
  return [
    r.cpu !== undefined ? `${r.cpu} CPU` : `CPU: ${plan}`,
    r.memory !== undefined ? bytes(r.memory) : `memory: ${plan}`,
    r.pids !== undefined ? `${r.pids} processes` : `processes: ${plan}`,
  ].join(", ");
}

/** Loads one plug's manifest. */
export function usePlug(id: string) {
  return useResource(() => must(api.GET("/v1/plugs/{plug}", { params: { path: { plug: id } } })), [id]);
}

/** One plug: what it is, its services (images, ports, volumes, limits), what it asks and generates, its docs. */
export function PlugPage({ tenant, id }: { tenant: Tenant; id: string }) {
  const plug = usePlug(id);
  if (plug.error) return <ErrorNotice error={plug.error} />;
  if (!plug.data) return <Loading />;
  const p = plug.data;
  return (
    <>
      <PageTitle
        title={p.name}
        actions={
          mayRole.deploy(tenant.role) ? (
            <Button component={Link} href={pathTo("t", tenant.name, "catalog", p.id, "deploy")}>
              Deploy {p.name}
            </Button>
          ) : null
        }
      >
        {p.description}
      </PageTitle>
      <Stack>
        <Group gap="xs">
          <Badge variant="light">{p.category}</Badge>
          <Badge variant="outline">
            {p.id} {p.version}
          </Badge>
          {p.tags.map((t) => (
            <Badge key={t} variant="dot" color="gray">
              {t}
            </Badge>
          ))}
        </Group>
        {p.source?.docs ? (
          <Text size="sm">
            Upstream documentation:{" "}
            <Anchor href={p.source.docs} target="_blank" rel="noreferrer noopener">
              {p.source.docs}
            </Anchor>
            {p.source.upstreamVersion ? ` (version ${p.source.upstreamVersion})` : ""}
          </Text>
        ) : null}
        <Services plug={p} />
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            What a deploy asks
          </Title>
          {p.inputs.length ? (
            <List spacing={4}>
              {p.inputs.map((input) => (
                <List.Item key={input.key}>
                  <Code>{input.key}</Code> ({input.type}
                  {input.required ? ", required" : ""}): {input.question}
                </List.Item>
              ))}
            </List>
          ) : (
            <Text c="dimmed">Nothing: it deploys as it is.</Text>
          )}
          {p.secrets.length ? (
            <Text size="sm" mt="sm">
              Generated for each instance and stored encrypted: {p.secrets.map((s) => s.key).join(", ")}.
            </Text>
          ) : null}
        </Paper>
      </Stack>
    </>
  );
}

function Services({ plug }: { plug: Plug }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        Services
      </Title>
      <TableScroll minWidth={640} label="Services">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Service</Table.Th>
              <Table.Th>Image</Table.Th>
              <Table.Th>Ports</Table.Th>
              <Table.Th>Volumes</Table.Th>
              <Table.Th>Limits</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plug.services.map((s) => (
              <Table.Tr key={s.name}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>
                  <Code>{s.image ?? `built from ${s.build?.context ?? "?"}`}</Code>
                </Table.Td>
                <Table.Td>
                  {s.ports.length
                    ? s.ports
                        .map((p) => `${p.name} ${p.container}/${p.protocol}${p.public ? "" : " (internal)"}`)
                        .join(", ")
                    : "—"}
                </Table.Td>
                <Table.Td>
                  {s.volumes.length ? s.volumes.map((v) => `${v.name} → ${v.path}`).join(", ") : "—"}
                </Table.Td>
                <Table.Td>{s.resources ? limitsText(s.resources) : "the plan's defaults"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
    </Paper>
  );
}

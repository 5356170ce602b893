import { Group, Paper, SimpleGrid, Stack, Table, Tabs, Text, Title } from "@mantine/core";
import { lazy, Suspense, useRef } from "react";
import type { Instance, Tenant } from "../../api/types";
import { FailureNotice } from "../../components/FailureNotice";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../../components/Feedback";
import { InstanceLinks } from "../../components/InstanceLinks";
import { StateBadge } from "../../components/StateBadge";
import { Time } from "../../components/Time";
import { eventInstanceName, useInstanceEvents } from "../../hooks/useInstanceEvents";
import { useResource } from "../../hooks/useResource";
import { Link, pathTo } from "../../router/router";
import { HistoryPanel } from "./HistoryPanel";
import { InstanceActions } from "./InstanceActions";
import { fetchInstance } from "./InstancesPage";
import { LogsPanel } from "./LogsPanel";

// Its own chunk, with uPlot: loaded when the Monitor tab opens, so the first page stays small.
const MonitorPanel = lazy(() => import("../monitor/MonitorPanel"));

/** One instance: state (live), addresses, actions, ports and replicas, revision history and logs. */
export function InstancePage({ tenant, name }: { tenant: Tenant; name: string }) {
  const instance = useResource(() => fetchInstance(tenant.name, name), [tenant.name, name]);
  const reload = useRef(instance.reload);
  reload.current = instance.reload;
  useInstanceEvents(tenant.name, (event) => {
    if (eventInstanceName(event) !== name) return;
    // Removed (here or elsewhere): it is gone, nothing to ask for.
    if (event.type === "instance.removed") instance.set(undefined);
    else reload.current();
  });
  if (instance.error) return <ErrorNotice error={instance.error} />;
  if (instance.data === undefined && instance.loading) return <Loading />;
  const i = instance.data;
  if (!i)
    return (
      <EmptyState title={`No instance ${name} in ${tenant.name}`}>
        It may have been removed. <Link href={pathTo("t", tenant.name, "instances")}>All instances</Link>
      </EmptyState>
    );
  return (
    <>
      <PageTitle title={i.name}>
        {i.plug} {i.version}, revision {i.revision}, created <Time iso={i.createdAt} />
      </PageTitle>
      <Stack gap="md">
        <Paper withBorder p="md">
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <Stack gap={6}>
              <Group gap="xs">
                <Text fw={600}>State</Text>
                <span data-instance-state={i.state} aria-live="polite">
                  <StateBadge state={i.state} />
                </span>
              </Group>
              {i.reason ? (
                <Text size="sm" c="dimmed" maw={560}>
                  {i.reason}
                </Text>
              ) : null}
              <InstanceLinks instance={i} />
            </Stack>
            <InstanceActions
              tenant={tenant.name}
              role={tenant.role}
              instance={i}
              onChanged={instance.reload}
            />
          </Group>
        </Paper>
        {i.state === "failed" || i.state === "degraded" ? <FailureNotice failure={i.lastFailure} /> : null}
        <Tabs defaultValue="logs" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="logs">Logs</Tabs.Tab>
            <Tabs.Tab value="overview">Ports and replicas</Tabs.Tab>
            <Tabs.Tab value="history">History</Tabs.Tab>
            <Tabs.Tab value="monitor">Monitor</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="logs" pt="sm">
            <LogsPanel key={`${i.id}`} tenant={tenant.name} name={i.name} />
          </Tabs.Panel>
          <Tabs.Panel value="overview" pt="sm">
            <Overview instance={i} />
          </Tabs.Panel>
          <Tabs.Panel value="history" pt="sm">
            <HistoryPanel tenant={tenant.name} name={i.name} revision={i.revision} />
          </Tabs.Panel>
          <Tabs.Panel value="monitor" pt="sm">
            <Suspense fallback={<Loading />}>
              <MonitorPanel tenant={tenant.name} name={i.name} />
            </Suspense>
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </>
  );
}

function Overview({ instance }: { instance: Instance }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Paper withBorder p="md">
        <Title order={2} size="h5" mb="xs">
          Ports
        </Title>
        {instance.ports.length ? (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Service</Table.Th>
                <Table.Th>Port</Table.Th>
                <Table.Th>Container</Table.Th>
                <Table.Th>Host</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {instance.ports.map((p) => (
                <Table.Tr key={`${p.service}-${p.name}-${p.hostPort}`}>
                  <Table.Td>{p.service}</Table.Td>
                  <Table.Td>
                    {p.name} ({p.protocol})
                  </Table.Td>
                  <Table.Td>{p.containerPort}</Table.Td>
                  <Table.Td>{p.hostPort}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed">No published ports.</Text>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h5" mb="xs">
          Replicas
        </Title>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Service</Table.Th>
              <Table.Th>Replicas</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {Object.entries(instance.replicas).map(([service, count]) => (
              <Table.Tr key={service}>
                <Table.Td>{service}</Table.Td>
                <Table.Td>{count}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </SimpleGrid>
  );
}

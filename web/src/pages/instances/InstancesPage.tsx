import { Anchor, Badge, Button, Paper, Table, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import { api } from "../../api/client";
import { must } from "../../api/errors";
import type { Instance, Tenant } from "../../api/types";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../../components/Feedback";
import { StateBadge } from "../../components/StateBadge";
import { TableScroll } from "../../components/TableScroll";
import { Time } from "../../components/Time";
import { eventInstanceName, useInstanceEvents } from "../../hooks/useInstanceEvents";
import { allPages, useResource } from "../../hooks/useResource";
import { Link, pathTo } from "../../router/router";
import { mayRole } from "../../session/permissions";

/** Loads one instance; undefined when it is gone (removed). */
export async function fetchInstance(tenant: string, name: string): Promise<Instance | undefined> {
  const answer = await api.GET("/v1/tenants/{tenant}/instances/{name}", {
    params: { path: { tenant, name } },
  });
  if (answer.response.status === 404) return undefined;
  return must(Promise.resolve(answer));
}

/**
 * A tenant's instances, live: each instance event from the event stream reloads that one instance (no polling),
 * so a state change made anywhere (this page, the CLI, the reconciler) shows without a reload.
 */
export function InstancesPage({ tenant }: { tenant: Tenant }) {
  const list = useResource(
    () =>
      allPages((cursor) =>
        must(
          api.GET("/v1/tenants/{tenant}/instances", {
            params: { path: { tenant: tenant.name }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    [tenant.name],
  );
  const current = useRef(list.data);
  current.current = list.data;
  const pending = useRef(new Map<string, Promise<void>>());
  const stream = useInstanceEvents(tenant.name, (event) => {
    const name = eventInstanceName(event);
    if (!name) return;
    if (event.type === "instance.removed") {
      list.set((current.current ?? []).filter((i) => i.name !== name));
      return;
    }
    if (pending.current.has(name)) return;
    // One look-up per instance at a time; events that arrive meanwhile are covered by it.
    const refresh = (async () => {
      await new Promise((r) => setTimeout(r, 50));
      pending.current.delete(name);
      const fresh = await fetchInstance(tenant.name, name).catch(() => null);
      if (fresh === null) return;
      const rows = current.current ?? [];
      const others = rows.filter((i) => i.name !== name);
      list.set(fresh ? [...others, fresh].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : others);
    })();
    pending.current.set(name, refresh);
  });
  // Live again (first connect, or after a drop): read the list once, so nothing that happened meanwhile is missed.
  const reload = useRef(list.reload);
  reload.current = list.reload;
  useEffect(() => {
    if (stream === "live") reload.current();
  }, [stream]);
  return (
    <>
      <PageTitle
        title="Instances"
        actions={
          mayRole.deploy(tenant.role) ? (
            <Button component={Link} href={pathTo("t", tenant.name, "catalog")}>
              Deploy a plug
            </Button>
          ) : null
        }
      >
        What runs in {tenant.name}.{" "}
        <Badge size="xs" variant="dot" color={stream === "live" ? "green" : "gray"} data-stream={stream}>
          {stream === "live" ? "live" : stream}
        </Badge>
      </PageTitle>
      <ErrorNotice error={list.error} />
      {list.data ? (
        list.data.length ? (
          <Paper withBorder>
            <TableScroll minWidth={720} label="Instances">
              <Table striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Plug</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Address</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.map((instance) => (
                    <Table.Tr key={instance.id} data-instance={instance.name}>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          href={pathTo("t", tenant.name, "instances", instance.name)}
                          fw={600}
                        >
                          {instance.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        {instance.plug} {instance.version}
                      </Table.Td>
                      <Table.Td>
                        <StateBadge state={instance.state} />
                        {instance.reason && instance.state !== "ready" ? (
                          <Text size="xs" c="dimmed" lineClamp={2} maw={320}>
                            {instance.reason}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        {(instance.proxyUrl ?? instance.url) ? (
                          <Anchor
                            href={instance.proxyUrl ?? instance.url ?? ""}
                            target="_blank"
                            rel="noreferrer noopener"
                            size="sm"
                          >
                            {instance.proxyUrl ?? instance.url}
                          </Anchor>
                        ) : (
                          "—"
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Time iso={instance.createdAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </Paper>
        ) : (
          <EmptyState title="Nothing runs here yet">
            {mayRole.deploy(tenant.role) ? (
              <>
                Pick a plug in the <Link href={pathTo("t", tenant.name, "catalog")}>catalog</Link> and deploy
                it.
              </>
            ) : (
              "Someone with the member role or above can deploy plugs here."
            )}
          </EmptyState>
        )
      ) : list.loading ? (
        <Loading label="Loading instances…" />
      ) : null}
    </>
  );
}

import { Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import { api } from "../../api/client";
import { ApiError, messageOf, must } from "../../api/errors";
import type { InstallPlan, Tenant } from "../../api/types";
import { Confirm } from "../../components/Confirm";
import { ErrorNotice, Loading, PageTitle } from "../../components/Feedback";
import { TableScroll } from "../../components/TableScroll";
import { Time } from "../../components/Time";
import { allPages, useResource } from "../../hooks/useResource";
import { useSession } from "../../session/SessionProvider";

const STATUS_COLOR: Record<string, string> = { active: "green", suspended: "orange", deleted: "gray" };

/** Every plan of the install, in its order. */
export function loadPlans(): Promise<InstallPlan[]> {
  return allPages(
    async (cursor) =>
      await must(api.GET("/v1/plans", { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } })),
  );
}

type Pending =
  | { kind: "suspend" | "resume"; tenant: string }
  | { kind: "delete"; tenant: string; force: boolean }
  | { kind: "plan"; tenant: string; plan: string; refusal: string };

/** One tenant's row: plan (change it), status, and suspend / resume / delete. */
function TenantRow(props: { tenant: Tenant; plans: InstallPlan[]; ask(p: Pending): void; changed(): void }) {
  const { tenant } = props;
  const [plan, setPlan] = useState(tenant.plan ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const deleted = tenant.status === "deleted";
  const changePlan = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await must(
        api.PATCH("/v1/tenants/{tenant}", { params: { path: { tenant: tenant.name } }, body: { plan } }),
      );
      props.changed();
    } catch (err) {
      // Over the new plan's limits: the API's refusal, and the choice to move it anyway.
      if (err instanceof ApiError && err.code === "quota_exceeded")
        props.ask({ kind: "plan", tenant: tenant.name, plan, refusal: err.message });
      else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Table.Tr data-admin-tenant={tenant.name} data-tenant-status={tenant.status}>
      <Table.Td fw={600}>{tenant.name}</Table.Td>
      <Table.Td>
        <Badge variant="light" color={STATUS_COLOR[tenant.status] ?? "gray"}>
          {tenant.status}
        </Badge>
      </Table.Td>
      <Table.Td>
        {deleted ? (
          (tenant.plan ?? "—")
        ) : (
          <Stack gap={4}>
            <Group gap="xs" wrap="nowrap">
              <NativeSelect
                aria-label={`Plan of ${tenant.name}`}
                value={plan}
                onChange={(e) => setPlan(e.currentTarget.value)}
                data={props.plans.map((p) => p.name)}
                size="xs"
              />
              <Button
                size="xs"
                variant="default"
                onClick={changePlan}
                loading={busy}
                disabled={plan === tenant.plan}
              >
                Change plan
              </Button>
            </Group>
            <ErrorNotice error={error} />
          </Stack>
        )}
      </Table.Td>
      <Table.Td>
        <Time iso={tenant.createdAt} />
      </Table.Td>
      <Table.Td>
        {deleted ? null : (
          <Group gap="xs" wrap="nowrap">
            {tenant.status === "suspended" ? (
              <Button
                size="xs"
                variant="light"
                onClick={() => props.ask({ kind: "resume", tenant: tenant.name })}
              >
                Resume
              </Button>
            ) : (
              <Button
                size="xs"
                variant="light"
                color="orange"
                onClick={() => props.ask({ kind: "suspend", tenant: tenant.name })}
              >
                Suspend
              </Button>
            )}
            <Button
              size="xs"
              color="red"
              variant="light"
              onClick={() => props.ask({ kind: "delete", tenant: tenant.name, force: false })}
            >
              Delete
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The operator's tenants: every tenant with its plan and status; change a plan (the API's refusal when the
 * tenant's use is over the new plan, and moving it anyway, confirmed), suspend, resume and delete (each asked first).
 */
export function TenantsAdminPage() {
  const session = useSession();
  const tenants = useResource(
    () =>
      allPages((cursor) =>
        must(api.GET("/v1/tenants", { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } })),
      ),
    [],
  );
  const plans = useResource(loadPlans, []);
  const [pending, setPending] = useState<Pending>();
  const changed = () => {
    tenants.reload();
    void session.refresh();
  };
  const run = async () => {
    if (!pending) return;
    const path = { tenant: pending.tenant };
    if (pending.kind === "suspend")
      await must(api.POST("/v1/tenants/{tenant}/suspend", { params: { path } }));
    if (pending.kind === "resume") await must(api.POST("/v1/tenants/{tenant}/resume", { params: { path } }));
    if (pending.kind === "delete")
      await must(
        api.DELETE("/v1/tenants/{tenant}", {
          params: { path, query: { force: pending.force ? "true" : "false" } },
        }),
      );
    if (pending.kind === "plan")
      await must(
        api.PATCH("/v1/tenants/{tenant}", { params: { path }, body: { plan: pending.plan, force: true } }),
      );
    changed();
  };
  const confirm = pending
    ? {
        suspend: {
          title: `Suspend ${pending.tenant}?`,
          label: `Suspend ${pending.tenant}`,
          text: "Its instances are stopped (data and volumes kept), its addresses answer AIMS's 503 page, and its people may only read until you resume it.",
        },
        resume: {
          title: `Resume ${pending.tenant}?`,
          label: `Resume ${pending.tenant}`,
          text: "It becomes active again, and each instance becomes what it was before: those that ran start and are waited for until healthy.",
        },
        delete: {
          title: `Delete ${pending.tenant}?`,
          label: `Delete ${pending.tenant}`,
          text:
            pending.kind === "delete" && pending.force
              ? "Every instance is removed with its volumes, then its kept volumes, members, keys, invitations and domains go. This cannot be undone."
              : "Its members, keys, invitations, domains and kept volumes go; it is refused while it has instances. This cannot be undone.",
        },
        plan: {
          title: `Move ${pending.tenant} anyway?`,
          label: "Move it anyway",
          text: "What runs keeps running; anything that grows is refused until the tenant is within the plan.",
        },
      }[pending.kind]
    : undefined;
  return (
    <>
      <PageTitle title="Tenants">
        Every tenant of this install, with its plan and status (operator only).
      </PageTitle>
      <ErrorNotice error={tenants.error ?? plans.error} />
      {tenants.data && plans.data ? (
        <Paper withBorder>
          <TableScroll minWidth={760} label="Tenants">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Plan</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tenants.data.map((tenant) => (
                  <TenantRow
                    key={`${tenant.id} ${tenant.plan} ${tenant.status}`}
                    tenant={tenant}
                    plans={plans.data ?? []}
                    ask={setPending}
                    changed={changed}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
      ) : (
        <Loading label="Loading tenants…" />
      )}
      <Confirm
        opened={pending !== undefined}
        title={confirm?.title ?? ""}
        confirmLabel={confirm?.label ?? ""}
        danger={pending?.kind === "delete" || pending?.kind === "plan"}
        onConfirm={run}
        onClose={() => setPending(undefined)}
      >
        <Stack gap="xs">
          {pending?.kind === "plan" ? (
            <Text size="sm" c="red" data-plan-refusal>
              {pending.refusal}
            </Text>
          ) : null}
          <Text size="sm">{confirm?.text}</Text>
          {pending?.kind === "delete" ? (
            <Button
              size="xs"
              variant={pending.force ? "filled" : "default"}
              color="red"
              onClick={() => setPending({ ...pending, force: !pending.force })}
              aria-pressed={pending.force}
            >
              Also remove its instances and their volumes (force)
            </Button>
          ) : null}
        </Stack>
      </Confirm>
    </>
  );
}

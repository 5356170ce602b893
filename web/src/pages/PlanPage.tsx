import { Alert, Button, Group, Paper, Progress, Radio, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { ApprovalPolicy, Tenant, TenantUsage } from "../api/types";
import { formatBytes } from "../components/bytes";
import { ErrorNotice, Loading, PageTitle } from "../components/Feedback";
import { TableScroll } from "../components/TableScroll";
import { useResource } from "../hooks/useResource";

type Allowance = TenantUsage["instances"];

const ROWS: Array<{ key: "instances" | "volumes" | "cpu" | "memory" | "pids"; label: string }> = [
  { key: "instances", label: "Instances" },
  { key: "volumes", label: "Volumes" },
  { key: "cpu", label: "CPU (cores, of instances meant to run)" },
  { key: "memory", label: "Memory (of instances meant to run)" },
  { key: "pids", label: "Processes" },
];

const shown = (key: string, n: number) =>
  key === "memory" ? formatBytes(n) : key === "cpu" ? String(Math.round(n * 100) / 100) : String(n);

function UsageRow({ label, field, allowance }: { label: string; field: string; allowance: Allowance }) {
  const { used, limit } = allowance;
  const share = limit === null || limit === 0 ? 0 : Math.min(100, (used / limit) * 100);
  return (
    <Table.Tr data-usage={field}>
      <Table.Td>{label}</Table.Td>
      <Table.Td>
        {shown(field, used)} of {limit === null ? "unlimited" : shown(field, limit)}
      </Table.Td>
      <Table.Td w="40%">
        {limit === null ? (
          <Text size="sm" c="dimmed">
            no limit
          </Text>
        ) : (
          <Progress
            value={share}
            color={used > limit ? "red" : share >= 80 ? "orange" : "blue"}
            aria-label={`${label}: ${Math.round(share)}% of the plan's limit`}
          />
        )}
      </Table.Td>
    </Table.Tr>
  );
}

const POLICY_WORDS: Record<ApprovalPolicy["policy"], string> = {
  all: "Every change ACHEEVY proposes waits for a person's approval",
  risky: "Only destructive changes and spending wait; other changes run at once",
  none: "Nothing waits: ACHEEVY's changes run at once (only on plans that allow it)",
};

/** Who may set the policy: the tenant's owners (the API decides; this only hides what it would refuse). */
function PolicyForm({
  tenant,
  policy,
  saved,
}: {
  tenant: Tenant;
  policy: ApprovalPolicy;
  saved(p: ApprovalPolicy): void;
}) {
  const [choice, setChoice] = useState(policy.policy);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const owner = tenant.role === "owner";
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      saved(
        await must(
          api.PATCH("/v1/tenants/{tenant}/approval-policy", {
            params: { path: { tenant: tenant.name } },
            body: { policy: choice },
          }),
        ),
      );
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="sm">
      <Radio.Group
        value={choice}
        onChange={(v) => setChoice(v as ApprovalPolicy["policy"])}
        label="What needs a person's approval"
        description={owner ? undefined : "Only the tenant's owners change this."}
      >
        <Stack gap="xs" mt="xs">
          {(["all", "risky", "none"] as const).map((p) => (
            <Radio
              key={p}
              value={p}
              label={`${p}: ${POLICY_WORDS[p]}`}
              disabled={!owner || (p === "none" && !policy.approvalsOffAllowed)}
              data-policy-choice={p}
            />
          ))}
        </Stack>
      </Radio.Group>
      {policy.effective !== policy.policy ? (
        <Alert color="orange" variant="light">
          The owners set {policy.policy}, but plan {policy.plan} does not allow approvals off:{" "}
          {policy.effective} applies.
        </Alert>
      ) : null}
      <ErrorNotice error={error} />
      {owner ? (
        <Group>
          <Button onClick={save} loading={busy} disabled={choice === policy.policy}>
            Save policy
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

/** The tenant's plan: what it uses of each limit, and what of ACHEEVY's work waits for approval. */
export function PlanPage({ tenant }: { tenant: Tenant }) {
  const path = { params: { path: { tenant: tenant.name } } };
  const usage = useResource(() => must(api.GET("/v1/tenants/{tenant}/usage", path)), [tenant.name]);
  const policy = useResource(
    () => must(api.GET("/v1/tenants/{tenant}/approval-policy", path)),
    [tenant.name],
  );
  return (
    <>
      <PageTitle title="Plan and usage">
        What {tenant.name} uses of its plan, and which of ACHEEVY's changes wait for a person.
      </PageTitle>
      <Stack gap="lg">
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            Plan {usage.data?.plan ?? tenant.plan ?? ""}
          </Title>
          <ErrorNotice error={usage.error} />
          {usage.data ? (
            <Stack gap="sm">
              {usage.data.over.length ? (
                <Alert color="red" variant="light" title="Over the plan" data-over>
                  This tenant is over its plan's {usage.data.over.join(", ")}: what runs keeps running, but
                  nothing may grow until it is within them (remove or scale down, or ask the operator for
                  another plan).
                </Alert>
              ) : null}
              <TableScroll minWidth={480} label="Usage">
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Limit</Table.Th>
                      <Table.Th>Used</Table.Th>
                      <Table.Th>Share</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {ROWS.map((r) => (
                      <UsageRow
                        key={r.key}
                        label={r.label}
                        field={r.key}
                        allowance={(usage.data as TenantUsage)[r.key]}
                      />
                    ))}
                  </Table.Tbody>
                </Table>
              </TableScroll>
              <Text size="sm" c="dimmed">
                One instance may have at most{" "}
                {usage.data.perInstance.cpu === null ? "unlimited" : usage.data.perInstance.cpu} CPU and{" "}
                {usage.data.perInstance.memory === null
                  ? "unlimited"
                  : formatBytes(usage.data.perInstance.memory)}{" "}
                memory; {usage.data.replicasPerService ?? "any number of"} replicas per service.
              </Text>
            </Stack>
          ) : usage.error ? null : (
            <Loading label="Loading usage…" />
          )}
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            Approvals
          </Title>
          <ErrorNotice error={policy.error} />
          {policy.data ? (
            <PolicyForm key={policy.data.policy} tenant={tenant} policy={policy.data} saved={policy.set} />
          ) : policy.error ? null : (
            <Loading label="Loading the approval policy…" />
          )}
        </Paper>
      </Stack>
    </>
  );
}

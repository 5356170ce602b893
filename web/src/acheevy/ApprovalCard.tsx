import { Badge, Button, Code, Group, Paper, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import type { Approval } from "../api/acheevy";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { Tenant } from "../api/types";
import { ErrorNotice } from "../components/Feedback";
import { Time } from "../components/Time";
import { mayRole } from "../session/permissions";

const STATUS_COLOR: Record<string, string> = {
  pending: "orange",
  approved: "blue",
  executing: "blue",
  done: "green",
  failed: "red",
  denied: "gray",
  expired: "gray",
};

/** Loads one approval of the tenant. */
export async function fetchApproval(tenant: string, id: string): Promise<Approval> {
  return must(
    api.GET("/v1/tenants/{tenant}/approvals/{approvalId}", { params: { path: { tenant, approvalId: id } } }),
  );
}

/** What the tool's answer says, when it ran: its sentence (`result.say`). */
function resultSay(result: unknown): string | undefined {
  const say = (result as { say?: unknown } | null)?.say;
  return typeof say === "string" ? say : undefined;
}

/**
 * An approval ACHEEVY asked for: exactly what will happen (the summary, the tool and its arguments, the risk),
 * until when, and, for a person whose role may decide, Approve and Deny. Approving runs it (the API answers
 * once it has run); a refusal (403 for a role that may not decide, 409 for one decided already) is shown.
 */
export function ApprovalCard(props: {
  tenant: Tenant;
  approval?: Approval;
  id?: string;
  onDecided?(approval: Approval): void;
}) {
  const [approval, setApproval] = useState<Approval | undefined>(props.approval);
  const [busy, setBusy] = useState<"approve" | "deny">();
  const [error, setError] = useState<string>();
  const id = props.approval?.id ?? props.id;
  useEffect(() => {
    if (props.approval || !props.id) return;
    fetchApproval(props.tenant.name, props.id).then(setApproval, (err: unknown) => setError(messageOf(err)));
  }, [props.approval, props.id, props.tenant.name]);
  if (!approval) return error ? <ErrorNotice error={error} /> : <Text size="sm">Loading approval {id}…</Text>;
  const decide = async (how: "approve" | "deny") => {
    setBusy(how);
    setError(undefined);
    try {
      const path = { tenant: props.tenant.name, approvalId: approval.id };
      const answer =
        how === "approve"
          ? await must(
              api.POST("/v1/tenants/{tenant}/approvals/{approvalId}/approve", {
                params: { path },
                body: { argsHash: approval.argsHash },
              }),
            )
          : await must(
              api.POST("/v1/tenants/{tenant}/approvals/{approvalId}/deny", { params: { path }, body: {} }),
            );
      setApproval(answer);
      props.onDecided?.(answer);
    } catch (err) {
      setError(messageOf(err));
      // It may have been decided elsewhere meanwhile: show where it stands now.
      fetchApproval(props.tenant.name, approval.id).then(setApproval, () => undefined);
    } finally {
      setBusy(undefined);
    }
  };
  const say = resultSay(approval.result);
  return (
    <Paper
      withBorder
      p="sm"
      data-approval={approval.id}
      data-approval-status={approval.status}
      aria-label={`Approval: ${approval.summary}`}
      role="group"
    >
      <Stack gap={6}>
        <Group justify="space-between" gap="xs">
          <Text fw={600} size="sm">
            Approval needed: {approval.tool}
          </Text>
          <Group gap={4}>
            <Badge variant="light" color={approval.risk === "destructive" ? "red" : "orange"}>
              {approval.risk}
            </Badge>
            <Badge variant="light" color={STATUS_COLOR[approval.status] ?? "gray"} data-status>
              {approval.status}
            </Badge>
          </Group>
        </Group>
        <Text size="sm" data-summary>
          {approval.summary}
        </Text>
        <Code block>{JSON.stringify(approval.args, null, 2)}</Code>
        <Text size="xs" c="dimmed">
          Asked by <span data-requested-by>{approval.requestedByName}</span> ·{" "}
          <Time iso={approval.createdAt} />
          {approval.status === "pending" ? (
            <>
              {" "}
              · until <Time iso={approval.expiresAt} />
            </>
          ) : null}
          {approval.decidedByName ? <> · decided by {approval.decidedByName}</> : null}
        </Text>
        {say ? (
          <Text size="sm" data-result>
            {say}
          </Text>
        ) : null}
        {approval.error ? (
          <Text size="sm" c="red">
            {approval.error}
          </Text>
        ) : null}
        <ErrorNotice error={error} />
        {approval.status === "pending" ? (
          mayRole.decide(props.tenant.role) ? (
            <Group gap="xs">
              <Button
                size="xs"
                onClick={() => decide("approve")}
                loading={busy === "approve"}
                disabled={busy !== undefined}
              >
                Approve
              </Button>
              <Button
                size="xs"
                variant="default"
                onClick={() => decide("deny")}
                loading={busy === "deny"}
                disabled={busy !== undefined}
              >
                Deny
              </Button>
            </Group>
          ) : (
            <Text size="xs" c="dimmed">
              An admin or owner of {props.tenant.name} decides this.
            </Text>
          )
        ) : null}
      </Stack>
    </Paper>
  );
}

import { NativeSelect, SimpleGrid } from "@mantine/core";
import { useState } from "react";
import { ApprovalCard } from "../acheevy/ApprovalCard";
import type { ApprovalStatus } from "../api/acheevy";
import { api } from "../api/client";
import { must } from "../api/errors";
import type { Tenant } from "../api/types";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../components/Feedback";
import { allPages, useResource } from "../hooks/useResource";

const STATUSES: ApprovalStatus[] = [
  "pending",
  "approved",
  "executing",
  "done",
  "failed",
  "denied",
  "expired",
];

/**
 * The tenant's approvals inbox: what ACHEEVY (or another AI actor) asked to do, pending first by default, with
 * Approve / Deny for those whose role may decide; the decided ones, with who decided and what ran.
 */
export function ApprovalsPage({ tenant }: { tenant: Tenant }) {
  const [status, setStatus] = useState<ApprovalStatus | "">("pending");
  const list = useResource(
    () =>
      allPages((cursor) =>
        must(
          api.GET("/v1/tenants/{tenant}/approvals", {
            params: {
              path: { tenant: tenant.name },
              query: { limit: 200, ...(cursor ? { cursor } : {}), ...(status ? { status } : {}) },
            },
          }),
        ),
      ),
    [tenant.name, status],
  );
  return (
    <>
      <PageTitle title="Approvals">
        What ACHEEVY asked to do in {tenant.name}: nothing that changes something runs until a person who may
        decide approves it.
      </PageTitle>
      <NativeSelect
        label="Status"
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value as ApprovalStatus | "")}
        data={[{ value: "", label: "any" }, ...STATUSES]}
        mb="md"
        maw={240}
      />
      <ErrorNotice error={list.error} />
      {list.data ? (
        list.data.length ? (
          <SimpleGrid cols={{ base: 1, md: 2 }} data-approvals>
            {list.data.map((approval) => (
              <ApprovalCard key={approval.id} tenant={tenant} approval={approval} />
            ))}
          </SimpleGrid>
        ) : (
          <EmptyState title={status ? `No ${status} approvals` : "No approvals yet"}>
            Ask ACHEEVY (the button at the top) to do something; what needs a person's approval appears here.
          </EmptyState>
        )
      ) : list.loading ? (
        <Loading label="Loading approvals…" />
      ) : null}
    </>
  );
}

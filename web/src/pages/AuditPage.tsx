import { Badge, Code, Group, NativeSelect, Paper, Table, Text, TextInput } from "@mantine/core";
import { useMemo, useState } from "react";
import { api } from "../api/client";
import { must } from "../api/errors";
import type { AuditEntry, Tenant } from "../api/types";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../components/Feedback";
import { TableScroll } from "../components/TableScroll";
import { Time } from "../components/Time";
import { allPages, useResource } from "../hooks/useResource";

const RESULT_COLORS: Record<string, string> = { ok: "green", failed: "red", denied: "orange" };

/** Every page of a tenant's audit log, or (for the operator) of the whole log; the API lists oldest first. */
function loadAudit(tenant: string | undefined): Promise<AuditEntry[]> {
  return allPages((cursor) => {
    const query = { limit: 200, ...(cursor ? { cursor } : {}) };
    return tenant
      ? must(api.GET("/v1/tenants/{tenant}/audit", { params: { path: { tenant }, query } }))
      : must(api.GET("/v1/audit", { params: { query } }));
  });
}

/**
 * The hash-chained audit log, newest first: who did what to which object, from where, with what result. Filters by
 * action, result and words in the actor, target or source (the API lists everything; the filters narrow the page).
 */
export function AuditPage({ tenant }: { tenant?: Tenant }) {
  const entries = useResource(() => loadAudit(tenant?.name), [tenant?.name]);
  const [action, setAction] = useState("");
  const [result, setResult] = useState("");
  const [words, setWords] = useState("");
  const actions = useMemo(
    () => [...new Set((entries.data ?? []).map((e) => e.action))].sort(),
    [entries.data],
  );
  const shown = useMemo(() => {
    const w = words.trim().toLowerCase();
    return [...(entries.data ?? [])]
      .reverse()
      .filter(
        (e) =>
          (!action || e.action === action) &&
          (!result || e.result === result) &&
          (!w || `${e.actor} ${e.target} ${e.source}`.toLowerCase().includes(w)),
      );
  }, [entries.data, action, result, words]);
  return (
    <>
      <PageTitle title={tenant ? "Audit log" : "Whole audit log"}>
        {tenant
          ? `Every change in ${tenant.name}, and every refused attempt, in a hash chain.`
          : "Every entry of every tenant and of the platform (operator only)."}
      </PageTitle>
      <Group mb="md" align="flex-end" wrap="wrap">
        <NativeSelect
          label="Action"
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
          data={[{ value: "", label: "any" }, ...actions]}
        />
        <NativeSelect
          label="Result"
          value={result}
          onChange={(e) => setResult(e.currentTarget.value)}
          data={[{ value: "", label: "any" }, "ok", "failed", "denied"]}
        />
        <TextInput
          label="Actor, target or source"
          value={words}
          onChange={(e) => setWords(e.currentTarget.value)}
        />
      </Group>
      <ErrorNotice error={entries.error} />
      {entries.data ? (
        shown.length ? (
          <Paper withBorder>
            <TableScroll minWidth={760} label="Audit entries">
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Target</Table.Th>
                    <Table.Th>Actor</Table.Th>
                    <Table.Th>Source</Table.Th>
                    <Table.Th>Result</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((e) => (
                    <Table.Tr key={e.seq} data-audit={e.action}>
                      <Table.Td>
                        <Time iso={e.time} />
                      </Table.Td>
                      <Table.Td>
                        <Code>{e.action}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{e.target}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{e.actor}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{e.source}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={RESULT_COLORS[e.result] ?? "gray"} variant="light">
                          {e.result}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </Paper>
        ) : (
          <EmptyState title={entries.data.length ? "No entry matches the filters" : "No entries yet"} />
        )
      ) : entries.loading ? (
        <Loading label="Loading the audit log…" />
      ) : null}
    </>
  );
}

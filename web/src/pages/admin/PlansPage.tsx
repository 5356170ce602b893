import { Badge, Paper, Table, Text } from "@mantine/core";
import { ErrorNotice, Loading, PageTitle } from "../../components/Feedback";
import { TableScroll } from "../../components/TableScroll";
import { useResource } from "../../hooks/useResource";
import { loadPlans } from "./TenantsAdminPage";

interface Limits {
  instances?: number | null;
  volumes?: number | null;
  replicasPerService?: number | null;
  total?: { cpu?: number | null; memory?: number | null };
}

const limit = (value: number | null | undefined) =>
  value === null || value === undefined ? "unlimited" : String(value);
const memory = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? "unlimited" : `${Math.round(bytes / 1024 / 1024 / 1024)}g`;

/** The install's plans, in order: limits, price, the one new tenants get (operator only). */
export function PlansPage() {
  const plans = useResource(loadPlans, []);
  return (
    <>
      <PageTitle title="Plans">
        The plans of this install (plans/plans.yaml and config.yaml), in their order.
      </PageTitle>
      <ErrorNotice error={plans.error} />
      {plans.data ? (
        <Paper withBorder>
          <TableScroll minWidth={720} label="Plans">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Plan</Table.Th>
                  <Table.Th>Instances</Table.Th>
                  <Table.Th>Volumes</Table.Th>
                  <Table.Th>Replicas</Table.Th>
                  <Table.Th>CPU in total</Table.Th>
                  <Table.Th>Memory in total</Table.Th>
                  <Table.Th>Price</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plans.data.map((plan) => {
                  const limits = (plan.limits ?? {}) as Limits;
                  const price = plan.price as { monthly?: number; currency?: string } | undefined;
                  return (
                    <Table.Tr key={plan.name} data-plan-row={plan.name}>
                      <Table.Td>
                        <Text fw={600} span>
                          {String(plan.title ?? plan.name)}
                        </Text>{" "}
                        <Text span c="dimmed" size="sm">
                          {plan.name}
                        </Text>{" "}
                        {plan.default ? <Badge variant="light">default</Badge> : null}
                      </Table.Td>
                      <Table.Td>{limit(limits.instances)}</Table.Td>
                      <Table.Td>{limit(limits.volumes)}</Table.Td>
                      <Table.Td>{limit(limits.replicasPerService)}</Table.Td>
                      <Table.Td>{limit(limits.total?.cpu)}</Table.Td>
                      <Table.Td>{memory(limits.total?.memory)}</Table.Td>
                      <Table.Td>
                        {price?.monthly !== undefined
                          ? `${price.monthly} ${price.currency ?? ""}/month`
                          : "—"}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
      ) : (
        <Loading label="Loading plans…" />
      )}
    </>
  );
}

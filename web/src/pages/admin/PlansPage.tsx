import { Badge, Paper, Table, Text } from "@mantine/core";
import { formatBytes } from "../../components/bytes";
import { ErrorNotice, Loading, PageTitle } from "../../components/Feedback";
import { TableScroll } from "../../components/TableScroll";
import { useResource } from "../../hooks/useResource";
import { loadPlans } from "./TenantsAdminPage";

const limit = (value: number | null) => (value === null ? "unlimited" : String(value));
const memory = (bytes: number | null) => (bytes === null ? "unlimited" : formatBytes(bytes));

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
                  const { limits, price } = plan;
                  return (
                    <Table.Tr key={plan.name} data-plan-row={plan.name}>
                      <Table.Td>
                        <Text fw={600} span>
                          {plan.title}
                        </Text>{" "}
                        <Text span c="dimmed" size="sm">
                          {plan.name}
                        </Text>{" "}
                        {plan.default ? <Badge variant="light">default</Badge> : null}
                      </Table.Td>
                      <Table.Td>{limit(limits.instances)}</Table.Td>
                      <Table.Td>{limit(limits.volumes)}</Table.Td>
                      <Table.Td>{limit(limits.replicasPerService)}</Table.Td>
                      <Table.Td>{limit(limits.total.cpu)}</Table.Td>
                      <Table.Td>{memory(limits.total.memory)}</Table.Td>
                      <Table.Td>{`${price.monthly} ${price.currency}/month`}</Table.Td>
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

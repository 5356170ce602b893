import { Badge, Card, Chip, Group, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { api } from "../api/client";
import { must } from "../api/errors";
import type { Tenant } from "../api/types";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../components/Feedback";
import { allPages, useResource } from "../hooks/useResource";
import { Link, pathTo } from "../router/router";

const CATEGORIES = ["tool", "agent", "platform", "bot", "database"] as const;
type Category = (typeof CATEGORIES)[number];

/** The plug catalog: search words and a category narrow it (the API's own filters); each plug opens its page. */
export function CatalogPage({ tenant }: { tenant: Tenant }) {
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState<Category | "">("");
  const [words] = useDebouncedValue(search.trim(), 200);
  const plugs = useResource(
    () =>
      allPages((cursor) =>
        must(
          api.GET("/v1/plugs", {
            params: {
              query: {
                limit: 200,
                ...(cursor ? { cursor } : {}),
                ...(category ? { category } : {}),
                ...(words ? { search: words } : {}),
              },
            },
          }),
        ),
      ),
    [words, category],
  );
  return (
    <>
      <PageTitle title="Catalog">
        Plugs you can deploy into {tenant.name}, each in its own private network.
      </PageTitle>
      <Stack gap="md">
        <TextInput
          label="Search"
          placeholder="words in the name, description, tags or images"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          maxLength={200}
        />
        <Chip.Group value={category} onChange={(value) => setCategory(value as Category | "")}>
          <Group gap="xs" role="group" aria-label="Category">
            <Chip value="">all</Chip>
            {CATEGORIES.map((c) => (
              <Chip key={c} value={c}>
                {c}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <ErrorNotice error={plugs.error} />
        {plugs.data ? (
          plugs.data.length ? (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} aria-busy={plugs.loading}>
              {plugs.data.map((plug) => (
                <Card
                  key={plug.id}
                  withBorder
                  component={Link}
                  href={pathTo("t", tenant.name, "catalog", plug.id)}
                  data-plug={plug.id}
                >
                  <Group justify="space-between" mb="xs" wrap="nowrap">
                    <Text fw={600}>{plug.name}</Text>
                    <Badge variant="light">{plug.category}</Badge>
                  </Group>
                  <Text size="sm" c="dimmed" lineClamp={3}>
                    {plug.description}
                  </Text>
                  <Text size="xs" c="dimmed" mt="xs">
                    {plug.id} {plug.version}
                  </Text>
                </Card>
              ))}
            </SimpleGrid>
          ) : (
            <EmptyState title="No plug matches">Try fewer words, or another category.</EmptyState>
          )
        ) : plugs.loading ? (
          <Loading label="Loading the catalog…" />
        ) : null}
      </Stack>
    </>
  );
}

import { Alert, Center, Loader, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** The API's message for something that failed, where it failed. */
export function ErrorNotice({
  error,
  title = "That did not work",
}: {
  error: string | undefined;
  title?: string;
}) {
  if (!error) return null;
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      {error}
    </Alert>
  );
}

/** While something loads. */
export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="sm" aria-hidden />
      <Text ml="sm" c="dimmed">
        {label}
      </Text>
    </Center>
  );
}

/** A list with nothing in it yet, saying what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" py="xl" gap="xs" data-empty>
      <Text fw={600}>{title}</Text>
      {children ? (
        <Text c="dimmed" ta="center" component="div">
          {children}
        </Text>
      ) : null}
    </Stack>
  );
}

/** A page's heading and what it is for. */
export function PageTitle({
  title,
  children,
  actions,
}: {
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Stack gap={4} mb="md">
      <div
        style={{
          display: "flex",
          alignItems: "center",
          justifyContent: "space-between",
          gap: 12,
          flexWrap: "wrap",
        }}
      >
        <Title order={1} size="h2">
          {title}
        </Title>
        {actions}
      </div>
      {children ? (
        <Text c="dimmed" component="div">
          {children}
        </Text>
      ) : null}
    </Stack>
  );
}

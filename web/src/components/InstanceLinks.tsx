import { Anchor, Stack, Text } from "@mantine/core";
import type { Instance } from "../api/types";

/** The addresses an instance answers on: through AIMS's proxy by name, and its own host port. */
export function InstanceLinks({ instance }: { instance: Instance }) {
  const links = [
    instance.proxyUrl ? { label: "Through the proxy", url: instance.proxyUrl } : undefined,
    instance.proxyPathUrl ? { label: "By path", url: instance.proxyPathUrl } : undefined,
    instance.url ? { label: "Host port", url: instance.url } : undefined,
  ].filter((l) => l !== undefined);
  if (!links.length) return <Text c="dimmed">No HTTP address (its ports are TCP or internal).</Text>;
  return (
    <Stack gap={2}>
      {links.map((l) => (
        <Text key={l.url} size="sm">
          {l.label}:{" "}
          <Anchor href={l.url} target="_blank" rel="noreferrer noopener" data-instance-url>
            {l.url}
          </Anchor>
        </Text>
      ))}
    </Stack>
  );
}

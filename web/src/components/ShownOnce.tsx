import { Alert, Button, Code, CopyButton, Group, Stack, Text } from "@mantine/core";

/** A secret the API shows once (a new key, an invitation link): copy it now, it is not shown again. */
export function ShownOnce({ label, value, onDone }: { label: string; value: string; onDone(): void }) {
  return (
    <Alert color="blue" variant="light" title={label} data-shown-once>
      <Stack gap="xs">
        <Text size="sm">Copy it now: AIMS keeps only a digest and cannot show it again.</Text>
        <Code block data-secret>
          {value}
        </Code>
        <Group gap="xs">
          <CopyButton value={value}>
            {({ copied, copy }) => (
              <Button size="xs" onClick={copy} variant="light">
                {copied ? "Copied" : "Copy"}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="subtle" onClick={onDone}>
            Done
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

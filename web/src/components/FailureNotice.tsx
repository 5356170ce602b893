import { Alert, Code, Stack, Text } from "@mantine/core";
import type { InstanceFailure } from "../api/types";

/** Why an instance failed, in words: what failed, the sentence, the exit code, an OOM kill, its last log lines. */
export function FailureNotice({ failure }: { failure: InstanceFailure | null }) {
  if (!failure) return null;
  return (
    <Alert color="red" variant="light" title={`Failed: ${failure.what}`} role="alert" data-failure>
      <Stack gap={4}>
        <Text size="sm">{failure.reason}</Text>
        {failure.exitCode !== undefined ? <Text size="sm">Exit code {failure.exitCode}.</Text> : null}
        {failure.oomKilled ? (
          <Text size="sm">It ran out of memory: raise its memory limit (Update).</Text>
        ) : null}
        {failure.logLines?.length ? <Code block>{failure.logLines.join("\n")}</Code> : null}
        <Text size="xs" c="dimmed">
          Revision {failure.revision}, {new Date(failure.at).toLocaleString()}
        </Text>
      </Stack>
    </Alert>
  );
}

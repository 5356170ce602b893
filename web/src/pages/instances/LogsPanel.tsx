import { Badge, Button, Group, Paper, ScrollArea, Text, TextInput } from "@mantine/core";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ApiError } from "../../api/errors";
import { followLogs } from "../../api/logStream";
import { ErrorNotice } from "../../components/Feedback";

/** The most lines kept on the page; older ones drop off the top. */
const KEEP = 5000;

/**
 * An instance's logs, following live (every container, across restarts, until the instance stops): search keeps
 * the matching lines, pause holds the view still while lines keep arriving, and follow again re-opens an ended one.
 */
export function LogsPanel({ tenant, name }: { tenant: string; name: string }) {
  const [lines, setLines] = useState<string[]>([]);
  const [held, setHeld] = useState<string[] | undefined>();
  const [search, setSearch] = useState("");
  const [ended, setEnded] = useState<{ error?: ApiError } | undefined>();
  const [run, setRun] = useState(0);
  const viewport = useRef<HTMLDivElement>(null);
  const paused = held !== undefined;

  useEffect(() => {
    // Following again after an end keeps what was shown and adds the new lines (tail 0).
    if (run === 0) setLines([]);
    setEnded(undefined);
    return followLogs({
      tenant,
      name,
      tail: run === 0 ? 200 : 0,
      onLines: (more) => setLines((all) => [...all, ...more].slice(-KEEP)),
      onEnd: (error) => setEnded({ ...(error ? { error } : {}) }),
    });
  }, [tenant, name, run]);

  const shown = paused ? held : lines;
  const words = search.trim().toLowerCase();
  const visible = useMemo(
    () => (words ? shown.filter((l) => l.toLowerCase().includes(words)) : shown),
    [shown, words],
  );
  const waiting = paused ? lines.length - held.length : 0;

  // biome-ignore lint/correctness/useExhaustiveDependencies: new visible lines are what scrolls the view down.
  useEffect(() => {
    if (!paused && viewport.current) viewport.current.scrollTop = viewport.current.scrollHeight;
  }, [visible, paused]);

  return (
    <Paper withBorder p="sm">
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Group gap="xs">
          <TextInput
            aria-label="Search the logs"
            placeholder="Search"
            size="xs"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
          <Button
            size="xs"
            variant="light"
            onClick={() => setHeld(paused ? undefined : lines)}
            aria-pressed={paused}
          >
            {paused ? "Resume" : "Pause"}
          </Button>
          {waiting > 0 ? (
            <Badge variant="light" data-waiting-lines={waiting}>
              {waiting} new {waiting === 1 ? "line" : "lines"}
            </Badge>
          ) : null}
        </Group>
        <Group gap="xs">
          <Badge
            variant="dot"
            color={ended ? "gray" : "green"}
            data-logs-state={ended ? "ended" : "following"}
          >
            {ended ? "ended" : "following"}
          </Badge>
          {ended ? (
            <Button size="xs" variant="subtle" onClick={() => setRun(run + 1)}>
              Follow again
            </Button>
          ) : null}
        </Group>
      </Group>
      <ErrorNotice error={ended?.error?.message} title="The logs stopped" />
      <ScrollArea h={360} viewportRef={viewport} type="auto" tabIndex={0} aria-label={`Logs of ${name}`}>
        <pre
          data-logs
          style={{
            margin: 0,
            fontSize: 12,
            lineHeight: 1.45,
            whiteSpace: "pre-wrap",
            wordBreak: "break-all",
          }}
        >
          {visible.map((line, i) => (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no identity but their place.
              key={i}
              data-note={line.startsWith("aims: ") ? "" : undefined}
              style={line.startsWith("aims: ") ? { fontStyle: "italic", opacity: 0.75 } : undefined}
            >
              {line}
            </div>
          ))}
        </pre>
        {!visible.length ? (
          <Text c="dimmed" size="sm">
            {words ? "No line matches." : ended ? "No log lines." : "Waiting for log lines…"}
          </Text>
        ) : null}
      </ScrollArea>
    </Paper>
  );
}

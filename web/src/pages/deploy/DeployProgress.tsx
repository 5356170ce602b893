import { Button, Group, Paper, Stack, Text, Timeline, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import type { EventView, Instance } from "../../api/types";
import { FailureNotice } from "../../components/FailureNotice";
import { InstanceLinks } from "../../components/InstanceLinks";
import { StateBadge } from "../../components/StateBadge";
import { Link, pathTo } from "../../router/router";

/** What an instance event means, for a person watching a deploy. */
const STEPS: Record<string, string> = {
  "instance.created": "recorded: ports allocated, secrets generated",
  "instance.deploying": "creating the network, volumes and containers",
  "instance.ready": "healthy and serving",
  "instance.failed": "failed",
  "instance.degraded": "running, but not every container is healthy",
  "instance.updating": "rolling out a new revision",
  "instance.updated": "updated",
};

/**
 * A deploy as it happens: the instance's events as they arrived over the event stream (opened with the page,
 * before the deploy was sent, so none is missed), then the instance ready with its URL, or why it failed.
 */
export function DeployProgress(props: {
  tenant: string;
  name: string;
  events: EventView[];
  ready?: Instance;
  failed?: Instance;
}) {
  const { events } = props;
  const [started] = useState(() => Date.now());
  const [now, setNow] = useState(Date.now());
  const done = Boolean(props.ready || props.failed);
  useEffect(() => {
    if (done) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [done]);
  const seconds = Math.round((now - started) / 1000);
  return (
    <Paper withBorder p="md" aria-live="polite" data-progress>
      <Title order={2} size="h4" mb="sm">
        {props.ready
          ? `${props.name} is ready`
          : props.failed
            ? `${props.name} did not become ready`
            : `Deploying ${props.name}…`}
      </Title>
      <Timeline active={events.length - 1} bulletSize={14} lineWidth={2}>
        {events.map((e) => (
          <Timeline.Item key={e.seq} title={e.type.replace("instance.", "")} data-event={e.type}>
            <Text size="sm" c="dimmed">
              {STEPS[e.type] ?? e.type} · {new Date(e.time).toLocaleTimeString()}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
      {!done ? (
        <Text size="sm" c="dimmed" mt="sm">
          {seconds} s: building or pulling its images, then waiting until it answers its health check.
        </Text>
      ) : null}
      {props.ready ? (
        <Stack mt="md" gap="xs" data-ready>
          <Group gap="xs">
            <StateBadge state={props.ready.state} />
            <Text size="sm">revision {props.ready.revision}</Text>
          </Group>
          <InstanceLinks instance={props.ready} />
          <Group>
            <Button component={Link} href={pathTo("t", props.tenant, "instances", props.name)}>
              Open {props.name}
            </Button>
          </Group>
        </Stack>
      ) : null}
      {props.failed ? (
        <Stack mt="md">
          <FailureNotice failure={props.failed.lastFailure} />
          <Button component={Link} href={pathTo("t", props.tenant, "instances", props.name)} variant="light">
            See {props.name}
          </Button>
        </Stack>
      ) : null}
    </Paper>
  );
}

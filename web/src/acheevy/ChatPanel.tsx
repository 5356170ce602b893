import {
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  Paper,
  ScrollArea,
  Select,
  Stack,
  Text,
  Textarea,
} from "@mantine/core";
import { type FormEvent, useEffect, useRef, useState } from "react";
import type { ConversationSummary } from "../api/acheevy";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { Tenant } from "../api/types";
import { ErrorNotice } from "../components/Feedback";
import { type Entry, type Part, useAcheevy } from "./AcheevyProvider";
import { ApprovalCard } from "./ApprovalCard";

const ACTION_COLOR: Record<string, string> = {
  done: "green",
  failed: "red",
  refused: "red",
  awaiting_approval: "orange",
  planned: "gray",
};

/** A tool call ACHEEVY made: the tool, its arguments, its risk, and what became of it. */
function ToolCard({ part }: { part: Extract<Part, { kind: "tool" }> }) {
  const status = part.action?.status ?? "running";
  return (
    <Paper withBorder p="xs" data-tool-call={part.tool} data-tool-status={status}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600}>
          {part.tool}
        </Text>
        <Group gap={4}>
          {part.risk ? <Badge variant="outline">{part.risk}</Badge> : null}
          <Badge variant="light" color={ACTION_COLOR[status] ?? "blue"}>
            {status.replace("_", " ")}
          </Badge>
        </Group>
      </Group>
      {part.args && Object.keys(part.args as object).length ? (
        <Code block mt={4}>
          {JSON.stringify(part.args)}
        </Code>
      ) : null}
      {part.action?.say ? (
        <Text size="sm" mt={4}>
          {part.action.say}
        </Text>
      ) : null}
    </Paper>
  );
}

function EntryView({ entry, tenant }: { entry: Entry; tenant: Tenant }) {
  const person = entry.author === "person";
  return (
    <Stack
      gap={6}
      data-entry={entry.author}
      style={{ alignSelf: person ? "flex-end" : "stretch", maxWidth: person ? "85%" : "100%" }}
    >
      <Text size="xs" c="dimmed" fw={700}>
        {person ? "You" : "ACHEEVY"}
      </Text>
      {entry.parts.map((part, i) => {
        const key = `${entry.key}-${i}`;
        if (part.kind === "text")
          return (
            <Paper
              key={key}
              p="xs"
              bg={person ? "var(--mantine-primary-color-light)" : undefined}
              withBorder={!person}
            >
              <Text size="sm" style={{ whiteSpace: "pre-wrap" }} data-reply={person ? undefined : ""}>
                {part.text}
              </Text>
            </Paper>
          );
        if (part.kind === "tool") return <ToolCard key={key} part={part} />;
        if (part.kind === "approval")
          return (
            <ApprovalCard
              key={key}
              tenant={tenant}
              id={part.id}
              {...(part.approval ? { approval: part.approval } : {})}
            />
          );
        return (
          <Text key={key} size="xs" c="dimmed" data-progress-step>
            {part.message}
          </Text>
        );
      })}
      {entry.pending ? (
        <Text size="xs" c="dimmed" role="status">
          ACHEEVY is working…
        </Text>
      ) : null}
      <ErrorNotice error={entry.error} />
    </Stack>
  );
}

/** Previous conversations of the person in the tenant, to open one again. */
function Conversations({ tenant, current }: { tenant: Tenant; current: string | undefined }) {
  const acheevy = useAcheevy();
  const [items, setItems] = useState<ConversationSummary[]>();
  const [error, setError] = useState<string>();
  const load = () =>
    must(
      api.GET("/v1/tenants/{tenant}/conversations", {
        params: { path: { tenant: tenant.name }, query: { limit: 50 } },
      }),
    )
      .then((page) => setItems(page.items))
      .catch((err: unknown) => setError(messageOf(err)));
  return (
    <>
      <Select
        label="Previous conversations"
        placeholder={items ? (items.length ? "Pick one" : "None yet") : "Open the list"}
        data={(items ?? []).map((c) => ({ value: c.id, label: c.title || c.id }))}
        value={current ?? null}
        onDropdownOpen={() => void load()}
        onChange={(id) => {
          if (id) acheevy.open(tenant.name, id).catch((err: unknown) => setError(messageOf(err)));
        }}
        size="xs"
        comboboxProps={{ withinPortal: true }}
        nothingFoundMessage="No conversations yet"
      />
      <ErrorNotice error={error} />
    </>
  );
}

/**
 * ACHEEVY's panel, opened from the header on every page: the conversation of the tenant in view, streamed as it
 * is written (words, tool calls as cards, approval requests as cards with Approve / Deny), kept while the person
 * moves between pages; previous conversations can be opened again.
 */
export function ChatPanel({ tenant }: { tenant: Tenant | undefined }) {
  const acheevy = useAcheevy();
  const [message, setMessage] = useState("");
  const end = useRef<HTMLDivElement>(null);
  const thread = tenant ? acheevy.thread(tenant.name) : undefined;
  const count = thread?.entries.reduce((n, e) => n + e.parts.length, 0) ?? 0;
  useEffect(() => {
    if (count) end.current?.scrollIntoView({ block: "end" });
  }, [count]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = message.trim();
    if (!tenant || !text || acheevy.busy) return;
    setMessage("");
    void acheevy.send(tenant.name, text);
  };
  return (
    <Drawer
      opened={acheevy.opened}
      onClose={() => acheevy.setOpened(false)}
      position="right"
      size="lg"
      title={tenant ? `ACHEEVY in ${tenant.name}` : "ACHEEVY"}
      scrollAreaComponent={ScrollArea.Autosize}
      data-chat
    >
      {tenant ? (
        <Stack gap="sm">
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <div style={{ flex: 1 }}>
              <Conversations
                key={thread?.conversation ?? "new"}
                tenant={tenant}
                current={thread?.conversation}
              />
            </div>
            <Button size="xs" variant="default" onClick={() => acheevy.reset(tenant.name)}>
              New conversation
            </Button>
          </Group>
          <Stack gap="md" aria-live="polite" data-conversation={thread?.conversation ?? ""}>
            {thread?.entries.length ? (
              thread.entries.map((entry) => <EntryView key={entry.key} entry={entry} tenant={tenant} />)
            ) : (
              <Text size="sm" c="dimmed">
                Say what you need: "what's running?", "deploy the static site as web2", "why did web fail?".
                Anything that changes something waits for a person's approval.
              </Text>
            )}
            <div ref={end} />
          </Stack>
          <form onSubmit={submit}>
            <Stack gap="xs">
              <Textarea
                label="Message to ACHEEVY"
                value={message}
                onChange={(e) => setMessage(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && !e.shiftKey) submit(e);
                }}
                autosize
                minRows={2}
                maxLength={2000}
              />
              <Group justify="flex-end">
                <Button type="submit" loading={acheevy.busy} disabled={!message.trim()}>
                  Send
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      ) : (
        <Text size="sm">Open a tenant to talk to ACHEEVY about it.</Text>
      )}
    </Drawer>
  );
}

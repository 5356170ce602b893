import { Button, Checkbox, Group, Modal, NativeSelect, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { messageOf } from "../../api/errors";
import type { Instance } from "../../api/types";
import { ErrorNotice } from "../../components/Feedback";
import { IntakeForm } from "../deploy/IntakeForm";
import { answerProblem, answersToSet } from "../deploy/intake";
import { usePlug } from "../PlugPage";
import { runAction } from "./actions";

const MEMORY = /^\d+(\.\d+)?\s*([kmg]i?b?|b)?$/i;

/**
 * A new revision: changed answers (only those filled in are sent), limits for a service or all, or the catalog's
 * version of the plug. It rolls back by itself when the new revision never becomes healthy.
 */
export function UpdateDialog(props: {
  opened: boolean;
  onClose(): void;
  tenant: string;
  instance: Instance;
  onDone(): void;
}) {
  const plug = usePlug(props.instance.plug);
  const inputs = (plug.data?.inputs ?? []).map((i) => ({ ...i, required: false }));
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [service, setService] = useState("");
  const [cpu, setCpu] = useState("");
  const [memory, setMemory] = useState("");
  const [pids, setPids] = useState("");
  const [toCatalog, setToCatalog] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const problems = {
    cpu: cpu !== "" && !(Number(cpu) >= 0.01) ? "must be a number of CPU cores, at least 0.01" : undefined,
    memory: memory !== "" && !MEMORY.test(memory) ? "must be a size like 256m, 1g or 512Mi" : undefined,
    pids: pids !== "" && !/^\d+$/.test(pids) ? "must be a whole number of processes" : undefined,
  };
  const inputProblem = inputs.some((i) => answerProblem(i, answers[i.key] ?? ""));
  const set = answersToSet(inputs, answers);
  const changes =
    Object.keys(set).length +
    Number(cpu !== "") +
    Number(memory !== "") +
    Number(pids !== "") +
    Number(toCatalog);
  const valid = changes > 0 && !inputProblem && !problems.cpu && !problems.memory && !problems.pids;
  const submit = async () => {
    if (!valid) return;
    setBusy(true);
    setError(undefined);
    try {
      await runAction(props.tenant, props.instance.name, "update", {
        set,
        ...(service ? { service } : {}),
        ...(cpu ? { cpu: Number(cpu) } : {}),
        ...(memory ? { memory } : {}),
        ...(pids ? { pids: Number(pids) } : {}),
        ...(toCatalog ? { toCatalogVersion: true } : {}),
      });
      props.onDone();
      props.onClose();
    } catch (err) {
      setError(messageOf(err));
      props.onDone();
    } finally {
      setBusy(false);
    }
  };
  const newer = plug.data && plug.data.version !== props.instance.version;
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={`Update ${props.instance.name}`}
      centered
      size="lg"
    >
      <Stack>
        <Text size="sm" c="dimmed">
          A new revision, health-gated; if it never becomes healthy, the last healthy revision comes back.
        </Text>
        {inputs.length ? (
          <>
            <Title order={3} size="h5">
              New answers (leave empty to keep)
            </Title>
            <IntakeForm
              inputs={inputs}
              answers={answers}
              onChange={(key, value) => setAnswers({ ...answers, [key]: value })}
              showAll={false}
              touched={new Set(Object.keys(answers))}
              onTouch={() => undefined}
            />
          </>
        ) : null}
        <Title order={3} size="h5">
          Limits
        </Title>
        <NativeSelect
          label="For service"
          value={service}
          onChange={(e) => setService(e.currentTarget.value)}
          data={[{ value: "", label: "every service" }, ...Object.keys(props.instance.replicas)]}
        />
        <Group grow align="flex-start">
          <TextInput
            label="CPU cores"
            value={cpu}
            onChange={(e) => setCpu(e.currentTarget.value)}
            error={problems.cpu}
          />
          <TextInput
            label="Memory"
            placeholder="256m"
            value={memory}
            onChange={(e) => setMemory(e.currentTarget.value)}
            error={problems.memory}
          />
          <TextInput
            label="Processes"
            value={pids}
            onChange={(e) => setPids(e.currentTarget.value)}
            error={problems.pids}
          />
        </Group>
        {newer ? (
          <Checkbox
            label={`Move to the catalog's version ${plug.data?.version} (runs ${props.instance.version})`}
            checked={toCatalog}
            onChange={(e) => setToCatalog(e.currentTarget.checked)}
          />
        ) : null}
        <ErrorNotice error={error} title="Not updated" />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} disabled={busy}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} disabled={!valid}>
            Update
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

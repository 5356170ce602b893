import { Button, Group, Modal, NativeSelect, NumberInput, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { messageOf } from "../../api/errors";
import type { Instance } from "../../api/types";
import { ErrorNotice } from "../../components/Feedback";
import { runAction } from "./actions";

/** Sets the replicas of a stateless service (1–20); each replica of a public port gets a host port of its own. */
export function ScaleDialog(props: {
  opened: boolean;
  onClose(): void;
  tenant: string;
  instance: Instance;
  onDone(): void;
}) {
  const services = Object.keys(props.instance.replicas);
  const [service, setService] = useState(services[0] ?? "");
  const [replicas, setReplicas] = useState<number | string>(props.instance.replicas[services[0] ?? ""] ?? 1);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const valid = typeof replicas === "number" && Number.isInteger(replicas) && replicas >= 1 && replicas <= 20;
  const submit = async () => {
    if (!valid) return;
    setBusy(true);
    setError(undefined);
    try {
      await runAction(props.tenant, props.instance.name, "scale", { service, replicas });
      props.onDone();
      props.onClose();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Scale ${props.instance.name}`} centered>
      <Stack>
        <Text size="sm" c="dimmed">
          Only services that keep no data in volumes can run several replicas.
        </Text>
        <NativeSelect
          label="Service"
          value={service}
          data={services}
          onChange={(e) => {
            setService(e.currentTarget.value);
            setReplicas(props.instance.replicas[e.currentTarget.value] ?? 1);
          }}
        />
        <NumberInput
          label="Replicas"
          min={1}
          max={20}
          allowDecimal={false}
          value={replicas}
          onChange={setReplicas}
          error={valid ? undefined : "must be a whole number from 1 to 20"}
        />
        <ErrorNotice error={error} title="Not scaled" />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} disabled={busy}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} disabled={!valid}>
            Scale
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

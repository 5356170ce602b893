import { Button, Checkbox, Group, Text } from "@mantine/core";
import { useState } from "react";
import { messageOf } from "../../api/errors";
import type { Instance, Role } from "../../api/types";
import { Confirm } from "../../components/Confirm";
import { ErrorNotice } from "../../components/Feedback";
import { navigate, pathTo } from "../../router/router";
import { mayRole } from "../../session/permissions";
import { type ActionName, removeInstance, runAction } from "./actions";
import { ScaleDialog } from "./ScaleDialog";
import { UpdateDialog } from "./UpdateDialog";

/** What a state-changing action does, said before it is done (the ones that interrupt service ask first). */
const ASK: Partial<Record<ActionName, string>> = {
  stop: "Its containers stop (data and ports are kept); it answers nothing until started again.",
  restart: "Every container restarts; it is unavailable for a moment.",
  suspend: "It stops, data kept, and only Resume starts it again.",
};

/** Which actions fit the state an instance is in. */
function actionsFor(instance: Instance, role: Role): ActionName[] {
  const stopped = instance.state === "stopped";
  const suspended = instance.state === "suspended";
  const all: ActionName[] = [];
  if (mayRole.operate(role)) {
    if (stopped) all.push("start");
    else if (!suspended) all.push("stop", "restart");
  }
  if (mayRole.suspend(role)) all.push(suspended ? "resume" : "suspend");
  return all;
}

const LABEL: Record<ActionName, string> = {
  stop: "Stop",
  start: "Start",
  restart: "Restart",
  suspend: "Suspend",
  resume: "Resume",
  scale: "Scale",
  update: "Update",
};

/** The actions a person may take on an instance; each answers when it has settled, and the page shows the result. */
export function InstanceActions(props: {
  tenant: string;
  role: Role;
  instance: Instance;
  onChanged(): void;
}) {
  const { tenant, role, instance } = props;
  const [busy, setBusy] = useState<ActionName>();
  const [asking, setAsking] = useState<ActionName>();
  const [dialog, setDialog] = useState<"scale" | "update" | "remove">();
  const [keepVolumes, setKeepVolumes] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: ActionName) => {
    setBusy(action);
    setError(undefined);
    try {
      await runAction(tenant, instance.name, action);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(undefined);
      props.onChanged();
    }
  };
  const actions = actionsFor(instance, role);
  return (
    <>
      <Group gap="xs" wrap="wrap">
        {actions.map((action) => (
          <Button
            key={action}
            variant="light"
            color={action === "stop" || action === "suspend" ? "orange" : undefined}
            loading={busy === action}
            disabled={busy !== undefined}
            onClick={() => (ASK[action] ? setAsking(action) : run(action))}
          >
            {LABEL[action]}
          </Button>
        ))}
        {mayRole.scale(role) && instance.state !== "stopped" && instance.state !== "suspended" ? (
          <Button variant="light" onClick={() => setDialog("scale")} disabled={busy !== undefined}>
            Scale
          </Button>
        ) : null}
        {mayRole.deploy(role) ? (
          <Button variant="light" onClick={() => setDialog("update")} disabled={busy !== undefined}>
            Update
          </Button>
        ) : null}
        {mayRole.remove(role) ? (
          <Button
            variant="light"
            color="red"
            onClick={() => setDialog("remove")}
            disabled={busy !== undefined}
          >
            Remove
          </Button>
        ) : null}
      </Group>
      <ErrorNotice error={error} title="The action did not complete" />
      <Confirm
        opened={asking !== undefined}
        onClose={() => setAsking(undefined)}
        title={`${asking ? LABEL[asking] : ""} ${instance.name}?`}
        confirmLabel={asking ? LABEL[asking] : ""}
        onConfirm={async () => {
          const action = asking;
          setAsking(undefined);
          if (action) await run(action);
        }}
      >
        {asking ? (ASK[asking] ?? "") : ""}
      </Confirm>
      <Confirm
        opened={dialog === "remove"}
        onClose={() => setDialog(undefined)}
        title={`Remove ${instance.name}?`}
        confirmLabel={`Remove ${instance.name}`}
        danger
        onConfirm={async () => {
          await removeInstance(tenant, instance.name, keepVolumes);
          navigate(pathTo("t", tenant, "instances"));
        }}
      >
        <Text>
          Its containers, network and ports go away
          {keepVolumes ? "; its volumes are kept" : ", and so does its data"}. This cannot be undone.
        </Text>
        <Checkbox
          label="Keep its volumes (they can be mounted by a later deploy of the same plug)"
          checked={keepVolumes}
          onChange={(e) => setKeepVolumes(e.currentTarget.checked)}
        />
      </Confirm>
      <ScaleDialog
        opened={dialog === "scale"}
        onClose={() => setDialog(undefined)}
        tenant={tenant}
        instance={instance}
        onDone={props.onChanged}
      />
      <UpdateDialog
        opened={dialog === "update"}
        onClose={() => setDialog(undefined)}
        tenant={tenant}
        instance={instance}
        onDone={props.onChanged}
      />
    </>
  );
}

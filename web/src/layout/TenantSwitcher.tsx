import { Button, Group, Modal, NativeSelect, Stack, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import type { Tenant } from "../api/types";
import { ErrorNotice } from "../components/Feedback";
import { navigate, pathTo } from "../router/router";
import { useSession } from "../session/SessionProvider";
import { nameProblem } from "./names";

const NEW = "__new__";

/** Which tenant the pages show: every tenant the user sees, and a new one. */
export function TenantSwitcher({ current }: { current: Tenant | undefined }) {
  const { tenants } = useSession();
  const [creating, { open, close }] = useDisclosure();
  const choose = (value: string) => {
    if (value === NEW) return open();
    navigate(pathTo("t", value, "instances"));
  };
  return (
    <>
      <NativeSelect
        aria-label="Tenant"
        size="xs"
        value={current?.name ?? ""}
        onChange={(e) => choose(e.currentTarget.value)}
        data={[
          ...(current ? [] : [{ value: "", label: "Choose a tenant", disabled: true }]),
          ...tenants.map((t) => ({
            value: t.name,
            label: `${t.name} (${t.status === "suspended" ? "suspended" : t.role})`,
          })),
          { value: NEW, label: "New tenant…" },
        ]}
        w={{ base: 150, sm: 190 }}
      />
      <CreateTenant opened={creating} onClose={close} />
    </>
  );
}

/** Creates a tenant (the creator becomes its owner) and goes to it. */
export function CreateTenant({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { refresh } = useSession();
  return (
    <Modal opened={opened} onClose={onClose} title="New tenant" centered>
      <CreateTenantForm
        onCreated={async (name) => {
          await refresh();
          onClose();
          navigate(pathTo("t", name, "catalog"));
        }}
      />
    </Modal>
  );
}

/** The form behind "New tenant": a name by the one naming rule. */
export function CreateTenantForm({ onCreated }: { onCreated(name: string): Promise<void> }) {
  const [name, setName] = useState("");
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const problem = nameProblem(name);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    setBusy(true);
    setError(undefined);
    try {
      const tenant = await must(api.POST("/v1/tenants", { body: { name } }));
      await onCreated(tenant.name);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label="Tenant name"
          description="1–32 lowercase letters, digits and hyphens; you become its owner"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          onBlur={() => setTouched(true)}
          error={touched ? problem : undefined}
          required
          data-autofocus
        />
        <ErrorNotice error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Create tenant
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import { Button, Group, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import { Confirm } from "../components/Confirm";
import { ErrorNotice, PageTitle } from "../components/Feedback";
import { navigate } from "../router/router";
import { useSession } from "../session/SessionProvider";
import { PersonalKeys } from "./PersonalKeys";

/** Your account: the password, signing out everywhere, and your personal API keys. */
export function AccountPage() {
  const { user, clear } = useSession();
  const [confirming, { open, close }] = useDisclosure();
  return (
    <>
      <PageTitle title="Account and keys">Signed in as {user?.email}.</PageTitle>
      <Stack gap="lg">
        <ChangePassword />
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            Sign out everywhere
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Ends every session of yours, in every browser, this one included. Your API keys keep working;
            revoke them below.
          </Text>
          <Button color="red" variant="light" onClick={open}>
            Sign out everywhere
          </Button>
        </Paper>
        <PersonalKeys />
      </Stack>
      <Confirm
        opened={confirming}
        onClose={close}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        danger
        onConfirm={async () => {
          await must(api.DELETE("/v1/sessions"));
          clear();
          navigate("/sign-in", { replace: true });
        }}
      >
        Every browser signed in as you will have to sign in again.
      </Confirm>
    </>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const tooShort = next !== "" && next.length < 12;
  const mismatch = again !== "" && again !== next;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (tooShort || mismatch || next === "") return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await must(
        api.POST("/v1/users/me/password", { body: { currentPassword: current, newPassword: next } }),
      );
      setDone(true);
      setCurrent("");
      setNext("");
      setAgain("");
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack maw={420}>
          <Title order={2} size="h4">
            Change your password
          </Title>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            required
          />
          <PasswordInput
            label="New password"
            description="12 to 256 characters"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={tooShort ? "must be at least 12 characters" : undefined}
            required
          />
          <PasswordInput
            label="New password again"
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.currentTarget.value)}
            error={mismatch ? "the two passwords differ" : undefined}
            required
          />
          <ErrorNotice error={error} title="Password not changed" />
          {done ? (
            <Text c="green" role="status">
              Password changed. Your other sessions were signed out.
            </Text>
          ) : null}
          <Group>
            <Button type="submit" loading={busy}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

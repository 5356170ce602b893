import { Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { messageOf, must } from "../api/errors";
import { ErrorNotice } from "../components/Feedback";
import { navigate, pathTo } from "../router/router";
import { useSession } from "../session/SessionProvider";
import { signIn } from "./SignInPage";

/**
 * Accepts an invitation from its link (`/invitation#aimsinv_…`: the token stays in the fragment, which the browser
 * never sends to a server). A new person sets their password; someone with an account gives theirs.
 */
export function AcceptInvitationPage() {
  const { user, refresh } = useSession();
  const [token, setToken] = useState(() => decodeURIComponent(window.location.hash.replace(/^#/, "")));
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const signedIn = Boolean(user);
  const mismatch = !signedIn && confirm !== "" && confirm !== password;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    try {
      const accepted = await must(
        api.POST("/v1/invitations/accept", { body: { token, ...(signedIn ? {} : { password }) } }),
      );
      if (!signedIn) await signIn(accepted.user.email, password);
      await refresh();
      navigate(pathTo("t", accepted.tenant, "instances"), { replace: true });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={460}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h2">
              Accept an invitation
            </Title>
            <Text c="dimmed" size="sm">
              {signedIn
                ? `You join as ${user?.email}.`
                : "New here? Choose a password (at least 12 characters). Already have an account? Give its password."}
            </Text>
            <TextInput
              label="Invitation token"
              description="from the link you were sent"
              value={token}
              onChange={(e) => setToken(e.currentTarget.value.trim())}
              required
            />
            {signedIn ? null : (
              <>
                <PasswordInput
                  label="Password"
                  autoComplete="new-password"
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  required
                  minLength={12}
                />
                <PasswordInput
                  label="Password again"
                  autoComplete="new-password"
                  value={confirm}
                  onChange={(e) => setConfirm(e.currentTarget.value)}
                  error={mismatch ? "the two passwords differ" : undefined}
                />
              </>
            )}
            <ErrorNotice error={error} title="Not accepted" />
            <Button type="submit" loading={busy} disabled={token === ""}>
              Accept and sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

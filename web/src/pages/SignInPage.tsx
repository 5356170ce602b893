import { Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { api, rememberCsrfToken } from "../api/client";
import { messageOf, must } from "../api/errors";
import { ErrorNotice } from "../components/Feedback";
import { navigate } from "../router/router";
import { useSession } from "../session/SessionProvider";

/** Signs in with email and password: the API sets the session cookie and hands over the CSRF token. */
export async function signIn(email: string, password: string): Promise<void> {
  const session = await must(api.POST("/v1/sessions", { body: { email, password } }));
  rememberCsrfToken(session.csrfToken);
}

/** The sign-in page; the first sign-in uses the operator account `aims serve` wrote to the data dir. */
export function SignInPage() {
  const { refresh } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email, password);
      await refresh();
      const next = new URLSearchParams(window.location.search).get("next");
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h2">
              Sign in to Deploy Dock
            </Title>
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              required
              autoFocus
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              required
            />
            <ErrorNotice error={error} title="Not signed in" />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
            <Text size="sm" c="dimmed">
              First time? <code>aims serve</code> printed where the operator's sign-in is written (
              <code>operator-login.txt</code> in the data dir). Invited?{" "}
              <Anchor href="/invitation" size="sm">
                Open your invitation link
              </Anchor>
              .
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

import { Paper, Stack, Text } from "@mantine/core";
import { useEffect } from "react";
import { PageTitle } from "../components/Feedback";
import { CreateTenantForm } from "../layout/TenantSwitcher";
import { navigate, pathTo } from "../router/router";
import { useSession } from "../session/SessionProvider";

/** `/`: the first tenant's instances, or, with no tenant yet, a form to create one. */
export function HomePage() {
  const { tenants, refresh } = useSession();
  const first = tenants[0];
  useEffect(() => {
    if (first) navigate(pathTo("t", first.name, "instances"), { replace: true });
  }, [first]);
  if (first) return null;
  return (
    <>
      <PageTitle title="Welcome to Deploy Dock">
        Deploy plugs (apps, agents, bots, databases) as isolated instances, and watch them live.
      </PageTitle>
      <Paper withBorder p="md" maw={520}>
        <Stack>
          <Text>
            You are in no tenant yet. Create one to deploy into (you become its owner), or ask for an
            invitation.
          </Text>
          <CreateTenantForm
            onCreated={async (name) => {
              await refresh();
              navigate(pathTo("t", name, "catalog"));
            }}
          />
        </Stack>
      </Paper>
    </>
  );
}

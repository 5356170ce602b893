import {
  Alert,
  AppShell,
  Burger,
  Button,
  Group,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { ReactNode } from "react";
import { useAcheevy } from "../acheevy/AcheevyProvider";
import { ChatPanel } from "../acheevy/ChatPanel";
import { api } from "../api/client";
import type { Tenant, User } from "../api/types";
import { Link, navigate, useLocation } from "../router/router";
import { useSession } from "../session/SessionProvider";
import { navigationFor } from "./navigation";
import { TenantSwitcher } from "./TenantSwitcher";

/** The frame of every signed-in page: header with the tenant switcher and the user, navigation, the page. */
export function Shell({ tenant, children }: { tenant: Tenant | undefined; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { user, tenants, clear } = useSession();
  const acheevy = useAcheevy();
  const location = useLocation();
  if (!user) return null;
  const signOut = async () => {
    await api.DELETE("/v1/sessions/current");
    clear();
    navigate("/sign-in", { replace: true });
  };
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Show navigation" />
            <Text
              component={Link}
              href="/"
              fw={700}
              size="lg"
              visibleFrom="xs"
              style={{ textDecoration: "none", color: "inherit", whiteSpace: "nowrap" }}
            >
              Deploy Dock
            </Text>
            <TenantSwitcher current={tenant} />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Button size="xs" variant="light" onClick={() => acheevy.setOpened(true)} data-open-chat>
              ACHEEVY
            </Button>
            <Text size="sm" c="dimmed" visibleFrom="sm" data-user>
              {user.email}
            </Text>
            <UnstyledButton onClick={signOut} aria-label="Sign out" px="xs">
              <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                Sign out
              </Text>
            </UnstyledButton>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          <Navigation user={user} tenant={tenant} path={location.pathname} onFollow={close} />
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        {tenant?.status === "suspended" ? (
          <Alert
            color="orange"
            variant="light"
            mb="md"
            title={`${tenant.name} is suspended`}
            data-tenant-suspended
          >
            The operator suspended this tenant: its instances are stopped and its apps answer AIMS's 503 page.
            You can look, but not change anything, until the operator resumes it.
          </Alert>
        ) : null}
        {children}
      </AppShell.Main>
      <ChatPanel tenant={tenant ?? tenants.find((t) => t.status === "active") ?? tenants[0]} />
    </AppShell>
  );
}

function Navigation(props: { user: User; tenant: Tenant | undefined; path: string; onFollow(): void }) {
  return (
    <Stack gap="md">
      {navigationFor(props.user, props.tenant).map((section) => (
        <nav key={section.label} aria-label={section.label}>
          <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" mb={4}>
            {section.label}
          </Text>
          {section.entries.map((entry) => (
            <NavLink
              key={entry.href}
              component={Link}
              href={entry.href}
              label={entry.label}
              active={props.path === entry.href || props.path.startsWith(`${entry.href}/`)}
              aria-current={props.path === entry.href ? "page" : undefined}
              onClick={props.onFollow}
            />
          ))}
        </nav>
      ))}
    </Stack>
  );
}

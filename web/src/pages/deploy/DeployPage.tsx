import { Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useRef, useState } from "react";
import { api } from "../../api/client";
import { messageOf, must } from "../../api/errors";
import type { DeployPlan, EventView, Instance, Plug, Tenant } from "../../api/types";
import { ErrorNotice, Loading, PageTitle } from "../../components/Feedback";
import { eventInstanceName, useInstanceEvents } from "../../hooks/useInstanceEvents";
import { nameProblem } from "../../layout/names";
import { usePlug } from "../PlugPage";
import { DeployProgress } from "./DeployProgress";
import { IntakeForm } from "./IntakeForm";
import { answerProblem, answersToSet, defaultAnswer } from "./intake";
import { PlanPreview } from "./PlanPreview";

/** Deploy a plug: its intake questions as a form, a dry-run preview, then live progress until it is ready. */
export function DeployPage({ tenant, id }: { tenant: Tenant; id: string }) {
  const plug = usePlug(id);
  if (plug.error) return <ErrorNotice error={plug.error} />;
  if (!plug.data) return <Loading />;
  return <DeployForm tenant={tenant} plug={plug.data} />;
}

/** What the deploy is doing: filling in the form, running, done. */
type Phase = { kind: "form" } | { kind: "running"; name: string } | { kind: "ready"; instance: Instance };

function DeployForm({ tenant, plug }: { tenant: Tenant; plug: Plug }) {
  const [name, setName] = useState(plug.id.slice(0, 32).replace(/-+$/, ""));
  const [answers, setAnswers] = useState(() =>
    Object.fromEntries(plug.inputs.map((i) => [i.key, defaultAnswer(i)])),
  );
  const [touched, setTouched] = useState(new Set<string>());
  const [showAll, setShowAll] = useState(false);
  const [plan, setPlan] = useState<DeployPlan>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<"preview" | "deploy">();
  const [phase, setPhase] = useState<Phase>({ kind: "form" });
  const [failedInstance, setFailedInstance] = useState<Instance>();
  // Open from the start, so the events of a deploy are all seen; only those after Deploy is pressed are kept.
  const [events, setEvents] = useState<EventView[]>([]);
  const watching = useRef<string>(undefined);
  const stream = useInstanceEvents(tenant.name, (event) => {
    if (watching.current !== undefined && eventInstanceName(event) === watching.current)
      setEvents((all) => [...all, event]);
  });
  const live = useRef(stream);
  live.current = stream;

  const problems = [
    nameProblem(name),
    ...plug.inputs.map((i) => answerProblem(i, answers[i.key] ?? "")),
  ].filter(Boolean);
  const body = (dryRun: boolean) => ({
    plug: plug.id,
    name,
    set: answersToSet(plug.inputs, answers),
    dryRun,
  });
  const path = { params: { path: { tenant: tenant.name } } };

  const preview = async () => {
    setShowAll(true);
    if (problems.length) return;
    setBusy("preview");
    setError(undefined);
    try {
      const answer = await must(api.POST("/v1/tenants/{tenant}/instances", { ...path, body: body(true) }));
      setPlan("plan" in answer ? answer : undefined);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(undefined);
    }
  };
  const deploy = async (event: FormEvent) => {
    event.preventDefault();
    setShowAll(true);
    if (problems.length) return;
    setBusy("deploy");
    setError(undefined);
    setFailedInstance(undefined);
    setEvents([]);
    watching.current = name;
    setPhase({ kind: "running", name });
    // A stream still connecting (the page just opened) gets a moment, so the deploy's first event is not missed.
    for (let i = 0; i < 30 && live.current !== "live"; i++) await new Promise((r) => setTimeout(r, 100));
    try {
      const answer = await must(api.POST("/v1/tenants/{tenant}/instances", { ...path, body: body(false) }));
      if ("plan" in answer) throw new Error("AIMS answered a plan to a deploy");
      setPhase({ kind: "ready", instance: answer });
    } catch (err) {
      setError(messageOf(err));
      setPhase({ kind: "form" });
      const existing = await api.GET("/v1/tenants/{tenant}/instances/{name}", {
        params: { path: { tenant: tenant.name, name } },
      });
      if (existing.data) setFailedInstance(existing.data);
    } finally {
      setBusy(undefined);
    }
  };

  const running = phase.kind !== "form";
  return (
    <>
      <PageTitle title={`Deploy ${plug.name}`}>
        Into {tenant.name}: its own network, allocated host ports, resource limits, and a URL through AIMS's
        proxy.
      </PageTitle>
      <Stack gap="lg">
        <Paper withBorder p="md">
          <form onSubmit={deploy} noValidate>
            <Stack>
              <TextInput
                label="Instance name"
                description="1–32 lowercase letters, digits and hyphens; part of its URL"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                onBlur={() => setTouched(new Set(touched).add("__name"))}
                error={showAll || touched.has("__name") ? nameProblem(name) : undefined}
                required
                disabled={running}
              />
              {plug.inputs.length ? (
                <>
                  <Title order={2} size="h5">
                    {plug.name} asks
                  </Title>
                  <fieldset disabled={running} style={{ border: 0, padding: 0, margin: 0 }}>
                    <IntakeForm
                      inputs={plug.inputs}
                      answers={answers}
                      onChange={(key, value) => {
                        setAnswers({ ...answers, [key]: value });
                        setPlan(undefined);
                      }}
                      showAll={showAll}
                      touched={touched}
                      onTouch={(key) => setTouched(new Set(touched).add(key))}
                    />
                  </fieldset>
                </>
              ) : (
                <Text c="dimmed">{plug.name} asks nothing.</Text>
              )}
              <ErrorNotice error={error} title="Not deployed" />
              <Group>
                <Button variant="default" onClick={preview} loading={busy === "preview"} disabled={running}>
                  Preview the plan
                </Button>
                <Button type="submit" loading={busy === "deploy"} disabled={running}>
                  Deploy
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
        {plan && !running ? <PlanPreview plan={plan} /> : null}
        {phase.kind !== "form" || failedInstance ? (
          <DeployProgress
            tenant={tenant.name}
            name={phase.kind === "running" ? phase.name : phase.kind === "ready" ? phase.instance.name : name}
            events={events}
            ready={phase.kind === "ready" ? phase.instance : undefined}
            failed={failedInstance}
          />
        ) : null}
      </Stack>
    </>
  );
}

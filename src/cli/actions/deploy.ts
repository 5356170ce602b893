import type { Command } from "commander";
import { parseSetPairs } from "../../domain/inputs.js";
import type { PlanView } from "../../lifecycle/planView.js";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { askIntake, shouldAsk, terminalPrompter } from "../intake.js";
import { printJson } from "../output.js";
import { printInstance } from "../printInstance.js";

export interface DeployOptions {
  tenant: string;
  name: string;
  set: string[];
  dryRun?: boolean;
  reuseVolumes: string[];
  wait?: boolean;
  json?: boolean;
  /** false with --no-input */
  input?: boolean;
}

/** `aims deploy <plug>`: asks the plug's questions on a terminal, deploys, prints the instance or the plan. */
export async function runDeploy(cmd: Command, plug: string, opts: DeployOptions): Promise<void> {
  const outcome = await withClient(cmd, async (client) => {
    let set = parseSetPairs(opts.set);
    // On a terminal, ask the plug's intake questions that --set did not answer (scripts are never asked).
    if (shouldAsk({ noInput: opts.input === false })) {
      const prompter = terminalPrompter();
      try {
        set = await askIntake(await client.getPlug(plug), set, prompter);
      } finally {
        prompter.close();
      }
    }
    return client.deploy(
      {
        plug,
        tenant: opts.tenant,
        name: opts.name,
        set,
        dryRun: Boolean(opts.dryRun),
        reuseVolumes: opts.reuseVolumes,
      },
      progressFor(cmd),
    );
  });
  if (outcome.kind === "plan") {
    const { plug: id, version, plan } = outcome;
    if (opts.json) {
      printJson({ plug: id, version, plan });
      return;
    }
    process.stdout.write(describePlan(id, version, plan));
    return;
  }
  const i = outcome.instance;
  if (opts.json) {
    printJson(i);
    return;
  }
  printInstance(outcome.reused ? "already deployed" : "deployed", i);
}

function describePlan(plug: string, version: string, v: PlanView): string {
  const lines = [
    `plan for ${plug} ${version} (dry run: nothing was changed)`,
    `  network  ${v.network} (private to this instance)`,
  ];
  for (const vol of v.volumes) lines.push(`  volume   ${vol.name} -> ${vol.service}:${vol.path}`);
  for (const c of v.containers) {
    lines.push(
      `  container ${c.name}`,
      `      image ${c.image}, user ${c.user}`,
      `      limits ${c.limits.cpus} cpu, ${c.limits.memoryMiB} MiB, ${c.limits.pids} pids; caps drop ALL${c.capabilities.add.length ? ` add ${c.capabilities.add.join(",")}` : ""}`,
    );
    for (const [k, val] of Object.entries(c.env)) lines.push(`      env ${k}=${val}`);
  }
  for (const p of v.ports)
    lines.push(
      `  port     ${p.service}/${p.name} ${p.container}/${p.protocol} -> ${p.host === null ? "internal only" : `host ${p.host}`}`,
    );
  if (v.secrets.length)
    lines.push(`  secrets  ${v.secrets.join(", ")} (values generated at deploy, stored encrypted)`);
  return `${lines.join("\n")}\n`;
}

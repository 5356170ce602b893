import type { Command } from "commander";
import type { ApprovalView } from "../../approvals/approvalView.js";
import { type ApprovalStatus, approvalPolicySchema } from "../../domain/approvals.js";
import { AimsError } from "../../domain/errors.js";
import { formatMemory } from "../../domain/resourceLimits.js";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { printJson, printTable } from "../output.js";

/** `aims approvals list`. */
export async function runApprovalsList(
  cmd: Command,
  opts: { tenant: string; status?: string; json?: boolean },
) {
  const list = await withClient(cmd, (c) =>
    c.acheevy.listApprovals(opts.tenant, opts.status as ApprovalStatus | undefined),
  );
  if (opts.json) return printJson(list);
  if (!list.length) {
    process.stdout.write(`no approvals${opts.status ? ` ${opts.status}` : ""} in tenant ${opts.tenant}\n`);
    return;
  }
  printTable(
    ["ID", "STATUS", "TOOL", "REQUESTED BY", "EXPIRES", "WHAT"],
    list.map((a) => [
      a.id,
      a.status,
      a.tool,
      a.requestedByName,
      a.expiresAt.slice(0, 16).replace("T", " "),
      a.summary.slice(0, 80),
    ]),
  );
}

/** `aims approvals show <id>`. */
export async function runApprovalsShow(cmd: Command, id: string, opts: { tenant: string; json?: boolean }) {
  const approval = await withClient(cmd, (c) => c.acheevy.getApproval(opts.tenant, id));
  if (opts.json) return printJson(approval);
  printApproval(approval);
}

/** `aims approvals approve|deny <id>`: the person at this terminal (or the remote key) decides. */
export async function runApprovalsDecide(
  cmd: Command,
  id: string,
  approve: boolean,
  opts: { tenant: string; reason?: string; json?: boolean },
) {
  const approval = await withClient(cmd, (c) =>
    c.acheevy.decideApproval(
      opts.tenant,
      id,
      { approve, ...(opts.reason ? { reason: opts.reason } : {}) },
      progressFor(cmd),
    ),
  );
  if (opts.json) return printJson(approval);
  const said = (approval.result as { say?: string } | null)?.say;
  process.stdout.write(
    approve
      ? `approved ${approval.id} and ran it: ${approval.status}${said ? `\n${said}` : ""}\n`
      : `denied ${approval.id}: nothing ran\n`,
  );
}

/** `aims approvals policy [all|risky|none]`: shows, or (owners) sets, what needs approval. */
export async function runApprovalsPolicy(
  cmd: Command,
  policy: string | undefined,
  opts: { tenant: string; json?: boolean },
) {
  let wanted: ReturnType<typeof approvalPolicySchema.parse> | undefined;
  if (policy !== undefined) {
    const parsed = approvalPolicySchema.safeParse(policy);
    if (!parsed.success) throw new AimsError("invalid_input", `policy ${parsed.error.issues[0]?.message}`);
    wanted = parsed.data;
  }
  const view = await withClient(cmd, (c) =>
    wanted ? c.acheevy.setApprovalPolicy(opts.tenant, wanted) : c.acheevy.approvalPolicy(opts.tenant),
  );
  if (opts.json) return printJson(view);
  const note =
    view.effective !== view.policy
      ? ` (applies as ${view.effective}: plan ${view.plan} does not allow none)`
      : "";
  process.stdout.write(
    `tenant ${view.tenant}: approval policy ${view.policy}${note}; plan ${view.plan} ${view.approvalsOffAllowed ? "allows" : "does not allow"} approvals off\n`,
  );
}

/** An approval for a person at a terminal. */
export function printApproval(a: ApprovalView): void {
  const impact = a.impact as {
    resources?: { instances: number; cpu: number; memory: number };
    plan?: {
      name: string;
      instances: { used: number; limit: number | null };
      memory: { used: number; limit: number | null };
    };
    notes?: string[];
  } | null;
  const lines = [
    `approval ${a.id} (${a.status}) in tenant ${a.tenant}`,
    `  ${a.summary}`,
    `  tool ${a.tool} (${a.risk}), arguments ${JSON.stringify(a.args)}`,
    `  asked by ${a.requestedByName} (${a.requestedBy}) from ${a.requestedSource} at ${a.createdAt}; expires ${a.expiresAt}`,
  ];
  if (impact?.resources)
    lines.push(
      `  resources: ${signed(impact.resources.instances)} instances, ${signed(impact.resources.cpu)} CPU, ${impact.resources.memory < 0 ? "-" : "+"}${formatMemory(Math.abs(impact.resources.memory))} memory`,
    );
  if (impact?.plan)
    lines.push(
      `  plan ${impact.plan.name} after it: ${impact.plan.instances.used} of ${impact.plan.instances.limit ?? "unlimited"} instances, ${formatMemory(impact.plan.memory.used)} of ${impact.plan.memory.limit === null ? "unlimited" : formatMemory(impact.plan.memory.limit)} memory`,
    );
  for (const note of impact?.notes ?? []) lines.push(`  note: ${note}`);
  if (a.decidedBy)
    lines.push(`  decided by ${a.decidedByName} (${a.decidedBy}) from ${a.decidedSource} at ${a.decidedAt}`);
  if (a.error) lines.push(`  failed: ${a.error}`);
  const said = (a.result as { say?: string } | null)?.say;
  if (said) lines.push(`  result: ${said}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));

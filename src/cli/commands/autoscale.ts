import type { Command } from "commander";

/**
 * `aims autoscale set|list|rm`: a stateless service's autoscaling policy (docs/autoscaling.md). `aims serve`'s
 * autoscaler follows it; a plan with `features.autoscaling` is needed.
 */
export function registerAutoscale(program: Command): void {
  const autoscale = program
    .command("autoscale")
    .description("autoscaling policies: replicas of a stateless service follow its CPU and memory");
  autoscale
    .command("set <instance>")
    .description(
      "set a service's policy: between --min and --max replicas, one more above --cpu % of its limit",
    )
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .requiredOption("-s, --service <service>", "the stateless service to scale")
    .requiredOption("--min <n>", "fewest replicas")
    .requiredOption("--max <n>", "most replicas (at most the plan's replicas per service)")
    .requiredOption(
      "--cpu <percent>",
      "average CPU, % of each replica's CPU limit, above which a replica is added",
    )
    .option("--memory <percent>", "the same for memory (default: memory does not scale)")
    .option("--cooldown <seconds>", "seconds between two steps (default: the install's autoscale.cooldownMs)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, instance: string, opts) {
      const { runAutoscaleSet } = await import("../actions/autoscale.js");
      await runAutoscaleSet(this, instance, opts);
    });
  autoscale
    .command("list [instance]")
    .description("the tenant's policies, each with its replicas now and the autoscaler's last step")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, instance: string | undefined, opts) {
      const { runAutoscaleList } = await import("../actions/autoscale.js");
      await runAutoscaleList(this, instance, opts);
    });
  autoscale
    .command("rm <instance>")
    .description("remove a service's policy (its replicas stay as they are)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .requiredOption("-s, --service <service>", "the service")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, instance: string, opts) {
      const { runAutoscaleRemove } = await import("../actions/autoscale.js");
      await runAutoscaleRemove(this, instance, opts);
    });
}

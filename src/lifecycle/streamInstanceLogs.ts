import type { ReconcilerContext } from "../context.js";
import { LABEL } from "../runtime/RuntimeDriver.js";

/**
 * Every container's log lines of one instance, each prefixed with `service-replica | `, written line by
 * line until the logs end (or, with `follow`, until `signal` aborts). The CLI on the host and the API
 * both stream through this.
 */
export async function streamInstanceLogs(
  p: ReconcilerContext,
  instanceId: string,
  options: { tail: number; follow: boolean; signal: AbortSignal },
  write: (line: string) => void,
): Promise<void> {
  const { containers } = await p.runtime.listManaged({
    [LABEL.installation]: p.store.installationId,
    [LABEL.instance]: instanceId,
  });
  await Promise.all(
    containers.map(async (c) => {
      const prefix = `${c.labels[LABEL.service] ?? "?"}-${c.labels[LABEL.replica] ?? "1"} | `;
      let pending = "";
      for await (const chunk of p.runtime.logs(c.id, options)) {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) write(`${prefix}${line}\n`);
      }
      if (pending) write(`${prefix}${pending}\n`);
    }),
  );
}

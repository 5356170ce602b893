import type { InstanceView } from "../lifecycle/instanceView.js";

/** One instance as a person reads it after a lifecycle command. */
export function printInstance(verb: string, i: InstanceView): void {
  process.stdout.write(
    `${verb}: ${i.tenant}/${i.name} (${i.plug} ${i.version}, revision ${i.revision}) is ${i.state}\n`,
  );
  if (i.reason) process.stdout.write(`  note: ${i.reason}\n`);
  if (i.proxyUrl)
    process.stdout.write(`  url: ${i.proxyUrl}${i.proxyPathUrl ? ` (or ${i.proxyPathUrl})` : ""}\n`);
  for (const port of i.ports)
    process.stdout.write(`  ${port.service}/${port.name}: ${port.url ?? `localhost:${port.hostPort}`}\n`);
}

import type { Transaction } from "kysely";
import { publicPortRequests } from "../catalog/renderInstance.js";
import type { OperationContext } from "../context.js";
import type { Plug } from "../domain/manifest.js";
import { insertAllocations, listAllocations, PortTakenError, pickFreePorts } from "../ports/portAllocator.js";
import type { Database } from "../store/schema.js";

export type PortRequest = { service: string; portName: string; replica: number };

/** Public ports `plug` needs at `replicas` that the instance holds no allocation for yet (scale up, new plug version). */
export async function missingPortRequests(
  p: OperationContext,
  instanceId: string,
  plug: Plug,
  replicas: Record<string, number>,
): Promise<PortRequest[]> {
  const have = new Set(
    (await listAllocations(p.store.db, { instanceId })).map(
      (a) => `${a.service}/${a.port_name}/${a.replica}`,
    ),
  );
  return publicPortRequests(plug, replicas).filter(
    (r) => !have.has(`${r.service}/${r.portName}/${r.replica}`),
  );
}

/**
 * Picks free host ports for `requests` (probing is slow I/O, so it happens before any transaction) and
 * runs `write`, which records them with `record(trx, instanceId)` inside its own transaction. When another
 * process took one of the candidates in between (the port is the primary key), picks again: 3 tries.
 */
export async function claimPorts<T>(
  p: OperationContext,
  requests: PortRequest[],
  write: (
    ports: number[],
    record: (trx: Transaction<Database>, instanceId: string) => Promise<void>,
  ) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports = await pickFreePorts(p.store.db, requests.length, p.config.ports, p.config.bindAddress);
    const record = async (trx: Transaction<Database>, instanceId: string) => {
      if (requests.length)
        await insertAllocations(
          trx,
          instanceId,
          requests.map((r, i) => ({ ...r, port: ports[i]! })),
        );
    };
    try {
      return await write(ports, record);
    } catch (err) {
      if (attempt < 3 && err instanceof PortTakenError) continue;
      throw err;
    }
  }
}

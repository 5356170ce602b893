import { createServer } from "node:net";
import type { Kysely, Selectable, Transaction } from "kysely";
import { AimsError } from "../domain/errors.js";
import { type Executor, isUniqueViolation } from "../store/database.js";
import type { AllocationsTable, Database } from "../store/schema.js";

export type AllocationRow = Selectable<AllocationsTable>;

/** One host port wanted by an instance: which service, which of its ports, which replica. */
export interface PortRequest {
  service: string;
  portName: string;
  replica: number;
}

export type PortAssignment = PortRequest & { port: number };

export interface PortRange {
  min: number;
  max: number;
}

/** Says whether nothing else listens on the port; tests pass their own. */
export type PortProbe = (port: number, bindAddress: string) => Promise<boolean>;

export interface AllocatePortsInput {
  instanceId: string;
  requests: PortRequest[];
  range: PortRange;
  bindAddress: string;
  isFree?: PortProbe;
}

/** Lost a race for a port to another writer; allocatePorts retries once with fresh candidates. */
export class PortTakenError extends AimsError {
  constructor(port: number) {
    super("conflict", `port ${port} was taken by another instance at the same time; try again`);
  }
}

/**
 * The `count` lowest ports in `range` that no instance holds and nothing on the host listens on at `bindAddress`.
 * Reads and probes outside any transaction; the caller then records them with insertAllocations in its own.
 * Too few left is AimsError("unavailable") saying how to widen the range.
 */
export async function pickFreePorts(
  ex: Executor,
  count: number,
  range: PortRange,
  bindAddress: string,
  isFree: PortProbe = isPortFree,
): Promise<number[]> {
  if (count <= 0) return [];
  const held = new Set(
    (
      await ex
        .selectFrom("allocations")
        .select("port")
        .where("port", ">=", range.min)
        .where("port", "<=", range.max)
        .execute()
    ).map((r) => r.port),
  );
  const picked: number[] = [];
  for (let port = range.min; port <= range.max && picked.length < count; port++) {
    if (!held.has(port) && (await isFree(port, bindAddress))) picked.push(port);
  }
  if (picked.length < count) {
    const total = range.max - range.min + 1;
    throw new AimsError(
      "unavailable",
      `port range ${range.min}-${range.max} is exhausted: ${total - picked.length} of ${total} ports are allocated or in use; widen \`ports\` in config.yaml or AIMS_PORT_RANGE`,
    );
  }
  return picked;
}

/**
 * Records ports for an instance inside the caller's transaction (the instance row must exist there first).
 * The port primary key guarantees one owner: a port someone else just took is AimsError("conflict").
 */
export async function insertAllocations(
  ex: Executor,
  instanceId: string,
  assignments: PortAssignment[],
): Promise<AllocationRow[]> {
  const createdAt = new Date().toISOString();
  const rows: AllocationRow[] = [];
  for (const a of assignments) {
    const row: AllocationRow = {
      port: a.port,
      instance_id: instanceId,
      service: a.service,
      port_name: a.portName,
      replica: a.replica,
      created_at: createdAt,
    };
    try {
      await ex.insertInto("allocations").values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PortTakenError(a.port);
      throw err;
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Picks ports and records them in one transaction. `write` runs first in that transaction (create the instance
 * row, its event and audit there); if another process took a port meanwhile, the whole transaction rolls back and
 * runs once more with fresh candidates, so `write` must only touch the database through `trx`.
 * @example await allocatePorts(db, { instanceId, requests, range, bindAddress }, (trx) => insertInstance(trx, row))
 */
export async function allocatePorts<T = undefined>(
  db: Kysely<Database>,
  input: AllocatePortsInput,
  write?: (trx: Transaction<Database>, assignments: PortAssignment[]) => Promise<T>,
): Promise<{ allocations: AllocationRow[]; result: T | undefined }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await pickFreePorts(
      db,
      input.requests.length,
      input.range,
      input.bindAddress,
      input.isFree,
    );
    const assignments = input.requests.map((r, i) => ({ ...r, port: ports[i]! }));
    try {
      return await db.transaction().execute(async (trx) => {
        const result = write ? await write(trx, assignments) : undefined;
        const allocations = await insertAllocations(trx, input.instanceId, assignments);
        return { allocations, result };
      });
    } catch (err) {
      if (attempt < 2 && err instanceof PortTakenError) continue;
      throw err;
    }
  }
}

/** Frees every port an instance holds; returns how many. */
export async function releasePorts(ex: Executor, instanceId: string): Promise<number> {
  const result = await ex.deleteFrom("allocations").where("instance_id", "=", instanceId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Allocations of one instance or all, ordered by port. */
export function listAllocations(
  ex: Executor,
  filter: { instanceId?: string } = {},
): Promise<AllocationRow[]> {
  let query = ex.selectFrom("allocations").selectAll();
  if (filter.instanceId !== undefined) query = query.where("instance_id", "=", filter.instanceId);
  return query.orderBy("port").execute();
}

/** How many ports of the range are allocated, out of how many. */
export async function portPoolUsage(
  ex: Executor,
  range: PortRange,
): Promise<{ allocated: number; total: number }> {
  const row = await ex
    .selectFrom("allocations")
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("allocated"))
    .where("port", ">=", range.min)
    .where("port", "<=", range.max)
    .executeTakeFirstOrThrow();
  return { allocated: Number(row.allocated), total: range.max - range.min + 1 };
}

/**
 * True when a listener can bind `host:port` right now (nothing else holds it). An address this host does not
 * have is AimsError("invalid_input") rather than a port that looks busy.
 */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(false);
      else if (err.code === "EADDRNOTAVAIL") {
        reject(
          new AimsError(
            "invalid_input",
            `bind address ${host} is not an address of this host; check bindAddress`,
          ),
        );
      } else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

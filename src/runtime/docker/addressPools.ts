import { readFile } from "node:fs/promises";
import type { EngineInfo } from "../RuntimeDriver.js";

type AddressPools = EngineInfo["addressPools"];

/** Where dockerd reads its configuration when started without `--config-file`. */
export const DAEMON_CONFIG_PATH = "/etc/docker/daemon.json";

/** Normalises a pool list in either casing (`Base`/`Size` from the API, `base`/`size` from daemon.json). */
export function parseAddressPools(value: unknown): AddressPools {
  if (!Array.isArray(value)) return [];
  const pools: AddressPools = [];
  for (const item of value) {
    const pool = item as Record<string, unknown>;
    const base = pool.Base ?? pool.base;
    const size = pool.Size ?? pool.size;
    if (typeof base === "string" && typeof size === "number") pools.push({ base, size });
  }
  return pools;
}

/**
 * The engine's default address pools: from `docker info` when the API reports them (API >= 1.41 does),
 * else from daemon.json's `default-address-pools`, else empty (unknown, Docker's built-in defaults apply).
 */
export async function readAddressPools(
  fromInfo: unknown,
  daemonConfigPath: string = DAEMON_CONFIG_PATH,
): Promise<AddressPools> {
  const reported = parseAddressPools(fromInfo);
  if (reported.length > 0) return reported;
  try {
    const config = JSON.parse(await readFile(daemonConfigPath, "utf8")) as Record<string, unknown>;
    return parseAddressPools(config["default-address-pools"]);
  } catch {
    return [];
  }
}

import type { Command } from "commander";
import { cliActor, configFrom } from "../context.js";
import type { AimsClient } from "./AimsClient.js";

/**
 * Runs `fn` with the client the configuration asks for: remote (AIMS_URL + AIMS_API_KEY, through the HTTP API)
 * or local (this host's data dir), closing it afterwards. Only the client used is loaded.
 */
export async function withClient<T>(cmd: Command, fn: (client: AimsClient) => Promise<T>): Promise<T> {
  const config = configFrom(cmd);
  const client: AimsClient = config.remote
    ? new (await import("./RemoteClient.js")).RemoteClient(config.remote)
    : new (await import("./LocalClient.js")).LocalClient(config, cliActor());
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

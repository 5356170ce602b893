import type { Command } from "commander";
import { cliActor, configFrom } from "../context.js";
import type { AimsClient } from "./AimsClient.js";
import { LocalClient } from "./LocalClient.js";
import { RemoteClient } from "./RemoteClient.js";

/**
 * Runs `fn` with the client the configuration asks for: remote (AIMS_URL + AIMS_API_KEY, through the HTTP API)
 * or local (this host's data dir), closing it afterwards.
 */
export async function withClient<T>(cmd: Command, fn: (client: AimsClient) => Promise<T>): Promise<T> {
  const config = configFrom(cmd);
  const client = config.remote ? new RemoteClient(config.remote) : new LocalClient(config, cliActor());
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

import { RemoteApi, type RemoteTarget } from "./RemoteApi.js";

/** One line of `aims doctor`. */
export interface Check {
  name: string;
  ok: boolean;
  /** Passing, but worth a look (printed `warn`; the exit code stays 0). */
  warning?: boolean;
  detail: string;
}

/**
 * `aims doctor` in remote mode: the host's own checks run there (`aims doctor` on the host); from here, does
 * the API answer (`/healthz`), is it ready (`/readyz`: its store and engine), and is the key accepted.
 */
export async function runRemoteDoctor(remote: RemoteTarget): Promise<Check[]> {
  const api = new RemoteApi(remote);
  const check = async (name: string, path: string, ok: (body: unknown) => string): Promise<Check> => {
    try {
      const { body } = await api.json<unknown>("GET", path, { signal: AbortSignal.timeout(10_000) });
      return { name, ok: true, detail: ok(body) };
    } catch (err) {
      return { name, ok: false, detail: (err as Error).message };
    }
  };
  return [
    await check("api", "/healthz", () => `AIMS at ${remote.url} answers`),
    await check("readiness", "/readyz", () => "its store and container engine answer"),
    await check("api key", "/v1/tenants?limit=200", (body) => {
      const names = (body as { items: Array<{ name: string }> }).items.map((t) => t.name);
      return `accepted; ${names.length} tenant(s) visible${names.length ? `: ${names.join(", ")}` : ""}`;
    }),
  ];
}

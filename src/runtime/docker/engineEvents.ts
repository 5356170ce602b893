import type Dockerode from "dockerode";
import type { EngineEvent, Labels } from "../RuntimeDriver.js";

/** Container events carrying all `labels`, as a stream that ends when `signal` aborts or the engine goes away. */
export async function* containerEvents(
  docker: Dockerode,
  labels: Labels,
  signal: AbortSignal,
): AsyncGenerator<EngineEvent> {
  const stream = (await docker.getEvents({
    filters: { type: ["container"], label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const stop = () => stream.destroy();
  signal.addEventListener("abort", stop, { once: true });
  let pending = "";
  try {
    for await (const chunk of stream) {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as {
          Action?: string;
          status?: string;
          id?: string;
          Actor?: { Attributes?: Record<string, string> };
        };
        const attributes = e.Actor?.Attributes ?? {};
        yield { action: e.Action ?? e.status ?? "", containerId: e.id ?? "", labels: attributes };
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

import { createServer, type Server } from "node:net";

/** GET a URL and return status + body text (no throw on non-2xx). */
export async function get(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** True when nothing listens on the port (a fresh listen succeeds). */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Occupies a port with a plain TCP listener (something that is not AIMS); port 0 lets the kernel pick. */
export function occupyPort(port: number, host = "127.0.0.1"): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** Holds every AIMS port range a test file allocates from (51900-53499 today): other listeners stay out. */
const TEST_ALLOCATION_PORTS = { min: 51000, max: 53999 };

/**
 * `count` distinct ports nothing listens on, picked by the kernel and outside the test files' AIMS port
 * ranges: for a listener a test starts (a proxy, a published container port), so another program on the
 * host holding a fixed port never fails a test. All are held until all are picked, so none repeats.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = await occupyPort(0, host);
      held.push(server);
      const { port } = server.address() as { port: number };
      if (port < TEST_ALLOCATION_PORTS.min || port > TEST_ALLOCATION_PORTS.max) ports.push(port);
    }
  } finally {
    await Promise.all(held.map((s) => new Promise((closed) => s.close(closed))));
  }
  return ports;
}

/** One port nothing listens on (see freePorts). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return (await freePorts(1, host))[0]!;
}

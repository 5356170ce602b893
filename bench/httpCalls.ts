import { Agent, request as httpRequest } from "node:http";

/** One keep-alive connection: sequential requests measure the server, not connection set-up. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request with a bearer key; answers its status once the body has been read. */
export function call(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Runs `n` requests one after another and answers each one's latency (ms); any 4xx/5xx fails the bench. */
export async function timed(n: number, run: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const status = await run(i);
    out.push(performance.now() - t);
    if (status >= 400) throw new Error(`request ${i} answered ${status}`);
  }
  return out;
}

import { AimsError, isAimsErrorCode } from "../../domain/errors.js";

/** Where the CLI's remote mode talks to: config `remote` (AIMS_URL, AIMS_API_KEY). */
export interface RemoteTarget {
  url: string;
  apiKey: string;
}

/** A 500 from the server: like a local unexpected error (exit 1), quoting the request id its log holds. */
export class RemoteUnexpectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteUnexpectedError";
    // The stack of this process says nothing about the server's failure.
    this.stack = `${this.name}: ${message}`;
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The HTTP API of one AIMS over Node's fetch: sends the key as a bearer token, and turns the API's error
 * shape back into the AimsError it came from (same code, same message, so the same exit code as on the host).
 */
export class RemoteApi {
  constructor(private readonly target: RemoteTarget) {}

  get url(): string {
    return this.target.url;
  }

  /** Sends a request and answers the response once its status is a success (the body is not read yet). */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.target.url + path);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.target.apiKey}`,
          "user-agent": "aims-cli",
          ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        // The key is for this URL only: never carried along a redirect.
        redirect: "error",
      });
    } catch (err) {
      throw this.unreachable(err, options.signal);
    }
    if (!response.ok) throw await this.errorOf(response);
    return response;
  }

  /** Sends a request and parses its JSON answer. */
  async json<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<{ status: number; body: T }> {
    const response = await this.send(method, path, {
      ...options,
      headers: { accept: "application/json", ...options.headers },
    });
    try {
      return { status: response.status, body: (await response.json()) as T };
    } catch (err) {
      throw this.unreachable(err, options.signal);
    }
  }

  /** A network failure as AimsError("unavailable") naming the URL and the reason; an abort stays an abort. */
  unreachable(err: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted || err instanceof AimsError) return err;
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    const reason = cause?.message || cause?.code || (err as Error).message || String(err);
    return new AimsError("unavailable", `cannot reach AIMS at ${this.target.url}: ${reason}`);
  }

  /** True when `GET /healthz` answers like AIMS (`{"status":"ok"}`); asked without the key, which is public. */
  private async answersHealthz(): Promise<boolean> {
    try {
      const response = await fetch(new URL(`${this.target.url}/healthz`), {
        headers: { accept: "application/json", "user-agent": "aims-cli" },
        redirect: "error",
        signal: AbortSignal.timeout(5000),
      });
      const body = (await response.json()) as { status?: unknown };
      return response.ok && body.status === "ok";
    } catch {
      return false;
    }
  }

  /** The API's `{ error: { code, message }, requestId }` as the error it stands for. */
  private async errorOf(response: Response): Promise<Error> {
    const text = await response.text().catch(() => "");
    let body: { error?: { code?: unknown; message?: unknown }; requestId?: unknown } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    const code = body?.error?.code;
    const message = typeof body?.error?.message === "string" ? body.error.message : undefined;
    if (isAimsErrorCode(code) && message !== undefined) return new AimsError(code, message, response.status);
    if (response.status === 502 || response.status === 503 || response.status === 504)
      return new AimsError(
        "unavailable",
        `cannot reach AIMS at ${this.target.url}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
      );
    // Not AIMS's error shape: maybe AIMS_URL points at some other server (a web site, a proxy's 404 page).
    if (!(await this.answersHealthz()))
      return new AimsError(
        "unavailable",
        `${this.target.url} is not an AIMS API (no /healthz): it answered HTTP ${response.status}`,
      );
    const request =
      typeof body?.requestId === "string" ? ` (request ${body.requestId}: its log has the details)` : "";
    return new RemoteUnexpectedError(
      `AIMS at ${this.target.url} answered HTTP ${response.status}${message ? `: ${message}` : ""}${request}`,
    );
  }
}

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import Docker from "dockerode";
import pg from "pg";
import { stopNginx } from "../../src/proxy/nginx/nginxProcess.js";
import { freePort, portIsFree } from "./http.js";

const ROOT = resolve(import.meta.dirname, "../..");
/** The compiled CLI (test/support/globalSetup.ts builds it once per run). */
const CLI = join(ROOT, "dist/cli/main.js");

export interface CliResult {
  code: number;
  /** The signal that ended the process, when one did (crash-safety tests). */
  signal?: string;
  stdout: string;
  stderr: string;
}

/**
 * stderr without the CLI's progress lines (`   1.2s  creating web-1 …`): what a command says when it is done.
 * They differ by mode (remote mode says what it waits for, not each step) and, without a terminal, by timing.
 */
export function withoutProgress(stderr: string): string {
  return stderr.replace(/^ {2} *\d+\.\ds {2}.*\n/gm, "");
}

/** A throw-away AIMS install: its own data dir (so its own installation id), port range and proxy port. */
export interface TestInstall {
  dataDir: string;
  /** The port its reverse proxy listens on (127.0.0.1). */
  proxyPort: number;
  env: Record<string, string>;
  /** Runs the CLI in the repository root, or in `options.cwd`. */
  run(args: string[], extraEnv?: Record<string, string>, options?: { cwd?: string }): Promise<CliResult>;
  /** Parses stdout of a `--json` command, failing with the stderr when the command failed. */
  json<T = unknown>(args: string[], extraEnv?: Record<string, string>): Promise<T>;
  /** Stops this install's nginx, removes every Docker object labelled with this install, then the data dir. */
  cleanup(): Promise<void>;
}

/**
 * The proxy port of an install: the one derived from its port range, so concurrent test files never share
 * one (range 5abcd-… listens on 2abcd, outside AIMS's ranges and the kernel's ephemeral ports), or a free
 * port when another program holds that one.
 */
export async function proxyPortFor(portRange: string): Promise<number> {
  const derived = 20_000 + (Number(portRange.split("-")[0]) % 10_000);
  return (await portIsFree(derived)) ? derived : freePort();
}

/**
 * Creates a test install whose CLI runs compiled, with a port range and a proxy port of its own
 * (AIMS_PROXY_PORT in `env` wins over the derived one).
 */
export async function createTestInstall(
  portRange: string,
  env: Record<string, string> = {},
): Promise<TestInstall> {
  const dataDir = mkdtempSync(join(tmpdir(), "aims-test-"));
  const baseEnv: Record<string, string> = {
    AIMS_DATA_DIR: dataDir,
    AIMS_PORT_RANGE: portRange,
    AIMS_LOG_LEVEL: "warn",
    // `aims serve` in tests listens on a free port, never on the 7700 of a real install.
    AIMS_API_PORT: "0",
    AIMS_PROXY_PORT: env.AIMS_PROXY_PORT ?? String(await proxyPortFor(portRange)),
    // The host firewall is the host's, not one install's: test installs leave it to scripts/setup-host.sh,
    // and test/security-host.test.ts turns it on to test it.
    AIMS_FIREWALL: "off",
    ...env,
  };
  const run = (args: string[], extraEnv: Record<string, string> = {}, options: { cwd?: string } = {}) =>
    new Promise<CliResult>((done) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        {
          cwd: options.cwd ?? ROOT,
          env: { ...process.env, ...baseEnv, ...extraEnv },
          maxBuffer: 32 * 1024 * 1024,
          timeout: 240_000,
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          const signal = err && "signal" in err && typeof err.signal === "string" ? err.signal : undefined;
          done({ code, ...(signal ? { signal } : {}), stdout, stderr });
        },
      );
    });
  return {
    dataDir,
    proxyPort: Number(baseEnv.AIMS_PROXY_PORT),
    env: baseEnv,
    run,
    async json<T>(args: string[], extraEnv?: Record<string, string>) {
      const r = await run([...args, "--json"], extraEnv);
      if (r.code !== 0) throw new Error(`aims ${args.join(" ")} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return JSON.parse(r.stdout) as T;
    },
    async cleanup() {
      await stopNginx(join(dataDir, "proxy"));
      const url = baseEnv.AIMS_DATABASE_URL;
      const id = url?.startsWith("postgres") ? await postgresInstallationId(url) : installationId(dataDir);
      if (id) await removeByLabel(`aims.installation=${id}`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads this install's id straight from its database (undefined before the first start; a broken database throws). */
export function installationId(dataDir: string): string | undefined {
  if (!existsSync(databaseFile(dataDir))) return undefined;
  const db = openDb(dataDir);
  try {
    return (db.prepare("select id from installations").get() as { id: string } | undefined)?.id;
  } finally {
    db.close();
  }
}

/** An install's id from its PostgreSQL database (undefined when it was never opened or is gone). */
async function postgresInstallationId(databaseUrl: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ id: string }>("select id from installations");
    return rows[0]?.id;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function databaseFile(dataDir: string): string {
  return join(dataDir, "aims.db");
}

/** Opens an install's SQLite file read-only for assertions about rows. */
export function openDb(dataDir: string): BetterSqlite3.Database {
  return new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
}

/** Row counts of the tables a failed command must leave untouched (all 0 before the first start). */
export function rowCounts(dataDir: string): Record<string, number> {
  if (!existsSync(databaseFile(dataDir)))
    return { tenants: 0, instances: 0, allocations: 0, instance_secrets: 0 };
  const db = openDb(dataDir);
  try {
    const count = (t: string) => (db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
    return {
      tenants: count("tenants"),
      instances: count("instances"),
      allocations: count("allocations"),
      instance_secrets: count("instance_secrets"),
    };
  } finally {
    db.close();
  }
}

export const docker = new Docker({ socketPath: "/var/run/docker.sock" });

/** Every container, network and volume carrying `label` (key=value). */
export async function objectsWithLabel(label: string) {
  const filters = JSON.stringify({ label: [label] });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return { containers, networks, volumes: volumes.Volumes ?? [] };
}

/** Force-removes everything carrying `label`; one already gone is fine, any other failure throws. */
export async function removeByLabel(label: string): Promise<void> {
  const { containers, networks, volumes } = await objectsWithLabel(label);
  await Promise.all(
    containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(unlessGone)),
  );
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(unlessGone);
  for (const v of volumes) await docker.getVolume(v.Name).remove().catch(unlessGone);
}

/** Rethrows a Docker error unless it says the object no longer exists (404). */
function unlessGone(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 404) throw err;
}

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import type { FirewallDriver, FirewallState, HostFirewallPolicy } from "../FirewallDriver.js";
import { differences, readChain, restoreInput } from "./chainRules.js";

export interface IptablesDriverOptions {
  /** `iptables` (Debian's, nf_tables or legacy: both print the same rules); `iptables-restore` beside it. */
  binary?: string;
  /** Seconds to wait for the xtables lock dockerd also takes. */
  lockWaitSeconds?: number;
}

/** Why iptables could not run, or undefined when it ran and only the command failed. */
class IptablesUnavailable extends Error {}

const defaultBinary = () => (existsSync("/usr/sbin/iptables") ? "/usr/sbin/iptables" : "iptables");

/**
 * The host firewall through iptables: reads with `iptables -S`, writes the chain and its jump in one
 * `iptables-restore --noflush` commit, so a half-written chain is never in force.
 */
export class IptablesDriver implements FirewallDriver {
  readonly #binary: string;
  readonly #wait: string;

  constructor(options: IptablesDriverOptions = {}) {
    this.#binary = options.binary ?? defaultBinary();
    this.#wait = String(options.lockWaitSeconds ?? 5);
  }

  async inspect(policy: HostFirewallPolicy): Promise<FirewallState> {
    try {
      const what = differences(readChain(await this.#list(), policy.chain), policy);
      return what.length ? { kind: "missing", what } : { kind: "in-place" };
    } catch (err) {
      if (err instanceof IptablesUnavailable) return { kind: "unavailable", reason: err.message };
      throw err;
    }
  }

  async apply(policy: HostFirewallPolicy): Promise<string[]> {
    const current = readChain(await this.#list(), policy.chain);
    const input = restoreInput(current, policy);
    if (input === undefined) return [];
    await this.#run(`${this.#binary}-restore`, ["-w", this.#wait, "--noflush"], input);
    return differences(current, policy);
  }

  async remove(chain: string): Promise<boolean> {
    const current = readChain(await this.#list(), chain);
    if (!current.exists && current.jumps === 0) return false;
    const lines = [
      "*filter",
      ...Array.from({ length: current.jumps }, () => `-D INPUT -j ${chain}`),
      ...(current.exists ? [`:${chain} - [0:0]`, `-X ${chain}`] : []),
      "COMMIT",
      "",
    ];
    await this.#run(`${this.#binary}-restore`, ["-w", this.#wait, "--noflush"], lines.join("\n"));
    return true;
  }

  /** The filter table as `iptables -S` prints it. */
  #list(): Promise<string> {
    return this.#run(this.#binary, ["-w", this.#wait, "-S"]);
  }

  #run(command: string, args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(command, args, { timeout: 15_000 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const text = `${stderr}`.trim() || err.message;
        if ((err as NodeJS.ErrnoException).code === "ENOENT")
          return reject(
            new IptablesUnavailable(`${command} is not installed (Debian: apt-get install iptables)`),
          );
        if (/permission denied|must be root|operation not permitted/i.test(text))
          return reject(
            new IptablesUnavailable(
              `${command} needs root (CAP_NET_ADMIN) to read and change the rules: ${text}`,
            ),
          );
        reject(new Error(`${command} ${args.join(" ")} failed: ${text}`));
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }
}

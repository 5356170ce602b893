import { execFileSync } from "node:child_process";

/** The chain AIMS installs on INPUT (src/domain/hostFirewall.ts). */
export const AIMS_CHAIN = "AIMS-INPUT";

function iptables(args: string[]): string {
  return execFileSync("iptables", ["-w", "5", ...args], { encoding: "utf8", stdio: "pipe" });
}

/** True when this process may read and change the host's iptables rules (root, iptables installed). */
export function iptablesRuns(): boolean {
  try {
    iptables(["-S", "INPUT"]);
    return true;
  } catch {
    return false;
  }
}

/** The `-A` lines of a chain (`iptables -S`), or undefined when the chain does not exist. */
export function chainRules(chain: string): string[] | undefined {
  try {
    return iptables(["-S", chain])
      .split("\n")
      .filter((line) => line.startsWith("-A "));
  } catch {
    return undefined;
  }
}

/** True when INPUT jumps to `chain`. */
export function inputJumpsTo(chain: string): boolean {
  return (chainRules("INPUT") ?? []).includes(`-A INPUT -j ${chain}`);
}

/** Removes the jump from INPUT and the chain itself (what a firewall reload or a flush would do). */
export function removeChain(chain: string): void {
  const quiet = (args: string[]) => {
    try {
      iptables(args);
    } catch {
      // already gone
    }
  };
  while (inputJumpsTo(chain)) quiet(["-D", "INPUT", "-j", chain]);
  quiet(["-F", chain]);
  quiet(["-X", chain]);
}

const FAKE_COMMENT = "aims test: a fake service containers may reach";

/**
 * Lets containers reach a test's fake service on the host (a fake OpenAI or Telegram) even where AIMS's host
 * firewall drops container traffic to the host: an ACCEPT for its port at the top of INPUT, ahead of the
 * jump to AIMS-INPUT. Returns the undo. A no-op where iptables cannot run.
 */
export function allowContainersToReach(port: number): () => void {
  const rule = ["INPUT", "-p", "tcp", "--dport", String(port), "-m", "comment", "--comment", FAKE_COMMENT];
  try {
    iptables(["-I", ...rule.slice(0, 1), "1", ...rule.slice(1), "-j", "ACCEPT"]);
  } catch {
    return () => {};
  }
  return () => {
    try {
      iptables(["-D", ...rule, "-j", "ACCEPT"]);
    } catch {
      // already gone
    }
  };
}

import { describe, expect, it } from "vitest";
import { hostFirewallPolicy } from "../../domain/hostFirewall.js";
import { differences, policyRules, readChain, restoreInput } from "./chainRules.js";

const policy = hostFirewallPolicy([{ base: "10.210.0.0/16" }, { base: "10.211.0.0/16" }], []);
const listing = (extra: string[]) =>
  ["-P INPUT ACCEPT", "-P FORWARD DROP", "-N DOCKER", "-A FORWARD -j DOCKER-USER", ...extra].join("\n");
const inPlace = [
  "-N AIMS-INPUT",
  "-A INPUT -j AIMS-INPUT",
  "-A AIMS-INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j RETURN",
  "-A AIMS-INPUT -s 10.210.0.0/16 -j DROP",
  "-A AIMS-INPUT -s 10.211.0.0/16 -j DROP",
];

describe("the AIMS-INPUT chain", () => {
  it("lets replies through, then open ports, then drops each pool", () => {
    expect(policyRules(hostFirewallPolicy([{ base: "10.210.0.0/16" }], [4000]))).toEqual([
      "-A AIMS-INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j RETURN",
      "-A AIMS-INPUT -p tcp -m tcp --dport 4000 -j RETURN",
      "-A AIMS-INPUT -s 10.210.0.0/16 -j DROP",
    ]);
  });

  it("changes nothing when the rules and the jump are in place", () => {
    const current = readChain(listing(inPlace), "AIMS-INPUT");
    expect(current).toMatchObject({ exists: true, jumps: 1 });
    expect(differences(current, policy)).toEqual([]);
    expect(restoreInput(current, policy)).toBeUndefined();
  });

  it("creates the chain and the jump on a bare host, in one commit", () => {
    const current = readChain(listing([]), "AIMS-INPUT");
    expect(differences(current, policy)).toEqual(["chain AIMS-INPUT", "the jump to AIMS-INPUT from INPUT"]);
    expect(restoreInput(current, policy)).toBe(
      [
        "*filter",
        ":AIMS-INPUT - [0:0]",
        "-A AIMS-INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j RETURN",
        "-A AIMS-INPUT -s 10.210.0.0/16 -j DROP",
        "-A AIMS-INPUT -s 10.211.0.0/16 -j DROP",
        "-I INPUT 1 -j AIMS-INPUT",
        "COMMIT",
        "",
      ].join("\n"),
    );
  });

  it("puts back only the jump when the chain survived, and rewrites a chain whose rules differ", () => {
    const noJump = readChain(listing(inPlace.filter((l) => !l.startsWith("-A INPUT"))), "AIMS-INPUT");
    expect(restoreInput(noJump, policy)).toBe("*filter\n-I INPUT 1 -j AIMS-INPUT\nCOMMIT\n");
    const partial = readChain(listing(inPlace.slice(0, 4)), "AIMS-INPUT");
    expect(differences(partial, policy)).toEqual(["the rules of AIMS-INPUT (2 found, 3 expected)"]);
    expect(restoreInput(partial, policy)).toMatch(/^\*filter\n:AIMS-INPUT - \[0:0\]\n/);
  });
});

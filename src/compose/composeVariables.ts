import type { PlugInput } from "../domain/manifest.js";
import type { ComposeFinding } from "./composeModel.js";
import { interpolationParts, isSecretName, type Part } from "./interpolate.js";

/** What an import found, by kind: refusals stop it; changes and ignored keys are reported with the plug. */
export class Findings {
  readonly refused: ComposeFinding[] = [];
  readonly changed: ComposeFinding[] = [];
  readonly ignored: ComposeFinding[] = [];

  refuse(service: string | undefined, key: string, reason: string): void {
    this.refused.push(finding(service, key, reason));
  }
  change(service: string | undefined, key: string, reason: string): void {
    this.changed.push(finding(service, key, reason));
  }
  ignore(service: string | undefined, key: string, reason: string): void {
    this.ignored.push(finding(service, key, reason));
  }
}

function finding(service: string | undefined, key: string, reason: string): ComposeFinding {
  return service === undefined ? { key, reason } : { service, key, reason };
}

/** An input key as the manifest takes it. */
const INPUT_KEY = /^[A-Z][A-Z0-9_]{0,63}$/;

interface Variable {
  name: string;
  secret: boolean;
  default?: string;
  required?: string;
}

/**
 * The compose file's variables. In `environment` a variable becomes a deploy-time input (`${inputs.X}`), or a
 * secret AIMS generates unless it is given (a name ending in PASSWORD, SECRET, TOKEN or _KEY); anywhere else
 * (image, command, ports, ...) it is substituted at import with its default, since only the environment is
 * filled in at deploy. `.env` values uploaded with the file are defaults, secrets aside (they are never stored).
 */
export class Variables {
  private readonly used = new Map<string, Variable>();

  constructor(
    private readonly findings: Findings,
    private readonly dotenv: ReadonlyMap<string, string>,
  ) {}

  /** An environment value with its variables turned into input references; undefined when refused. */
  environmentValue(service: string, key: string, value: string): string | undefined {
    const parts = this.parts(service, key, value);
    if (!parts) return undefined;
    let out = "";
    for (const part of parts) {
      if ("text" in part) {
        out += part.text;
        continue;
      }
      const variable = this.record(service, key, part);
      if (!variable) return undefined;
      out += `\${inputs.${variable.name}}`;
    }
    return out;
  }

  /**
   * Every string in `value` (a service key's whole value: lists and mappings too) with its variables substituted
   * now, as Compose interpolates the file before reading it. A variable without a default is refused, or with
   * `lenient` (labels) kept as written and reported.
   */
  literalTree(service: string, key: string, value: unknown, lenient = false): unknown {
    if (typeof value === "string") {
      if (!lenient) return this.literal(service, key, value) ?? value;
      const parts = interpolationParts(value);
      const unset = typeof parts === "string" ? [] : parts.filter((p) => "variable" in p && !this.valueOf(p));
      if (typeof parts === "string" || unset.length) {
        this.findings.change(
          service,
          key,
          `${JSON.stringify(value.slice(0, 80))} is kept as written: its variables have no default`,
        );
        return value;
      }
      return this.literal(service, key, value) ?? value;
    }
    if (Array.isArray(value)) return value.map((v) => this.literalTree(service, key, v, lenient));
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.literalTree(service, `${key}.${k}`, v, lenient)]),
      );
    return value;
  }

  private valueOf(part: Part): string | undefined {
    if (!("variable" in part)) return part.text;
    const given = this.dotenv.get(part.variable);
    const fallback = part.rule.kind === "default" ? part.rule.value : undefined;
    return isSecretName(part.variable) ? fallback : (given ?? fallback);
  }

  /** A value outside the environment with its variables substituted now; undefined when refused. */
  literal(service: string | undefined, key: string, value: string): string | undefined {
    const parts = this.parts(service, key, value);
    if (!parts) return undefined;
    let out = "";
    for (const part of parts) {
      if ("text" in part) {
        out += part.text;
        continue;
      }
      const substituted = this.valueOf(part);
      if (substituted === undefined) {
        this.findings.refuse(
          service,
          key,
          `uses \${${part.variable}} without a default: AIMS fills variables in at deploy only in \`environment\`; write \${${part.variable}:-value} here, or move it into the environment`,
        );
        return undefined;
      }
      out += substituted;
    }
    return out;
  }

  /** The typed inputs the variables became, in the order they were first used. */
  inputs(): PlugInput[] {
    return [...this.used.values()].map((v): PlugInput => {
      if (v.secret)
        return {
          key: v.name,
          type: "secret",
          question: `${v.name}? (a secret: left out, AIMS generates one)`,
          required: false,
          generated: true,
          minLength: 1,
        };
      const help = v.required ?? "from the compose file's variables";
      return {
        key: v.name,
        type: "string",
        question: `Value of ${v.name}?`,
        help,
        maxLength: 4096,
        ...(v.default !== undefined ? { default: v.default, required: false } : { required: true }),
      };
    });
  }

  private parts(service: string | undefined, key: string, value: string): Part[] | undefined {
    const parts = interpolationParts(value);
    if (typeof parts === "string") {
      this.findings.refuse(service, key, parts);
      return undefined;
    }
    return parts;
  }

  private record(
    service: string,
    key: string,
    part: Extract<Part, { variable: string }>,
  ): Variable | undefined {
    const { variable: name, rule } = part;
    if (!INPUT_KEY.test(name)) {
      this.findings.refuse(
        service,
        key,
        `uses variable ${name}: AIMS makes variables into inputs, whose names are UPPER_SNAKE_CASE (like ${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")})`,
      );
      return undefined;
    }
    if (rule.kind === "alternative") {
      this.findings.refuse(service, key, `uses \${${name}:+...}, which AIMS does not support`);
      return undefined;
    }
    const secret = isSecretName(name);
    const known = this.used.get(name) ?? { name, secret };
    const fallback = secret
      ? undefined
      : (this.dotenv.get(name) ?? (rule.kind === "default" ? rule.value : undefined));
    if (fallback !== undefined && known.default === undefined) known.default = fallback;
    if (rule.kind === "required" && known.required === undefined) known.required = rule.message;
    if (secret && rule.kind === "default" && rule.value && !this.used.has(name))
      this.findings.change(
        service,
        key,
        `${name}'s default is not used: AIMS generates the secret unless the deploy gives it (--set ${name}=...)`,
      );
    if (secret && this.dotenv.has(name) && !this.used.has(name))
      this.findings.change(
        service,
        key,
        `${name}'s value in .env is not kept: AIMS generates the secret unless the deploy gives it (--set ${name}=...)`,
      );
    this.used.set(name, known);
    return known;
  }
}

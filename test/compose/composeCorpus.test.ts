import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HANDLED, IGNORED, REFUSED, REPLACED } from "../../src/compose/composeKeys.js";
import { MAX_COMPOSE_SERVICES } from "../../src/compose/composeModel.js";
import {
  type ComposeTranslation,
  importCompose,
  translateCompose,
} from "../../src/compose/translateCompose.js";
import { isAimsError } from "../../src/domain/errors.js";

// Every compose file of the corpus, with the outcome expectations.json says it has: imported (with which
// services, inputs, ports, limits, ...) or refused (each reason naming the service and the key).

const CORPUS = join(import.meta.dirname, "corpus");

interface Expectation {
  outcome: "imported" | "refused";
  files?: Record<string, string>;
  reasons?: string[];
  services?: string[];
  inputs?: Record<string, string>;
  defaults?: Record<string, string>;
  required?: string[];
  ports?: Record<string, number[]>;
  protocols?: Record<string, string[]>;
  internal?: Record<string, number[]>;
  env?: Record<string, Record<string, string>>;
  image?: Record<string, string>;
  volumes?: Record<string, string[]>;
  dependsOn?: Record<string, string[]>;
  health?: Record<string, string[] | null>;
  resources?: Record<string, Record<string, number> | null>;
  replicas?: Record<string, number>;
  labels?: Record<string, Record<string, string>>;
  user?: Record<string, string>;
  workingDir?: Record<string, string>;
  stopSignal?: Record<string, string>;
  stopGrace?: Record<string, number>;
  command?: Record<string, string[]>;
  entrypoint?: Record<string, string[]>;
  caps?: Record<string, string[]>;
  changed?: string[];
  ignored?: string[];
}

const expectations = JSON.parse(
  readFileSync(join(import.meta.dirname, "expectations.json"), "utf8"),
) as Record<string, Expectation>;
const files = readdirSync(CORPUS).filter((f) => f.endsWith(".yml"));

function run(file: string, e: Expectation): ComposeTranslation | Error {
  try {
    return importCompose(readFileSync(join(CORPUS, file), "utf8"), {
      id: "corpus",
      version: 1,
      files: e.files ?? {},
    });
  } catch (err) {
    return err as Error;
  }
}

const where = (f: { service?: string; key: string }) => `${f.service ? `${f.service} ` : ""}${f.key}`;

describe("the compose corpus", () => {
  it("has at least 40 files, each with an expected outcome", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(files.filter((f) => !expectations[f])).toEqual([]);
    expect(Object.keys(expectations).filter((f) => !files.includes(f))).toEqual([]);
  });

  it.each(files.filter((f) => expectations[f]?.outcome === "refused"))(
    "refuses %s with named reasons",
    (file) => {
      const e = expectations[file]!;
      const result = run(file, e);
      expect(result).toBeInstanceOf(Error);
      expect(isAimsError(result, "invalid_input"), String(result)).toBe(true);
      for (const reason of e.reasons ?? []) expect((result as Error).message).toContain(reason);
    },
  );

  it.each(files.filter((f) => expectations[f]?.outcome === "imported"))("imports %s as expected", (file) => {
    const e = expectations[file]!;
    const result = run(file, e);
    if (result instanceof Error) throw result;
    const { plug, report } = result;
    const svc = (name: string) => {
      const found = plug.services.find((s) => s.name === name);
      if (!found) throw new Error(`no service ${name}`);
      return found;
    };
    if (e.services) expect(plug.services.map((s) => s.name)).toEqual(e.services);
    if (e.inputs)
      expect(Object.fromEntries(plug.inputs.map((i) => [i.key, i.type]))).toEqual(
        expect.objectContaining(e.inputs),
      );
    for (const [key, value] of Object.entries(e.defaults ?? {}))
      expect(plug.inputs.find((i) => i.key === key)).toMatchObject({ default: value });
    for (const key of e.required ?? []) expect(plug.inputs.find((i) => i.key === key)?.required).toBe(true);
    for (const [name, ports] of Object.entries(e.ports ?? {}))
      expect(
        svc(name)
          .ports.filter((p) => p.public)
          .map((p) => p.container),
      ).toEqual(ports);
    for (const [name, protocols] of Object.entries(e.protocols ?? {}))
      expect(svc(name).ports.map((p) => p.protocol)).toEqual(protocols);
    for (const [name, ports] of Object.entries(e.internal ?? {}))
      expect(
        svc(name)
          .ports.filter((p) => !p.public)
          .map((p) => p.container),
      ).toEqual(ports);
    for (const [name, env] of Object.entries(e.env ?? {})) expect(svc(name).env).toEqual(env);
    for (const [name, image] of Object.entries(e.image ?? {})) expect(svc(name).image).toBe(image);
    for (const [name, volumes] of Object.entries(e.volumes ?? {}))
      expect(svc(name).volumes.map((v) => `${v.name}:${v.path}`)).toEqual(volumes);
    for (const [name, deps] of Object.entries(e.dependsOn ?? {})) expect(svc(name).dependsOn).toEqual(deps);
    for (const [name, command] of Object.entries(e.health ?? {}))
      expect(
        svc(name).health && "command" in svc(name).health!
          ? (svc(name).health as { command: string[] }).command
          : null,
      ).toEqual(command);
    for (const [name, resources] of Object.entries(e.resources ?? {}))
      expect(svc(name).resources ?? null).toEqual(resources);
    for (const [name, n] of Object.entries(e.replicas ?? {})) expect(svc(name).replicas).toBe(n);
    for (const [name, labels] of Object.entries(e.labels ?? {})) expect(svc(name).labels).toEqual(labels);
    for (const [name, user] of Object.entries(e.user ?? {}))
      expect(svc(name)).toMatchObject({ user, runAsRoot: false });
    for (const [name, dir] of Object.entries(e.workingDir ?? {})) expect(svc(name).workingDir).toBe(dir);
    for (const [name, signal] of Object.entries(e.stopSignal ?? {}))
      expect(svc(name).stopSignal).toBe(signal);
    for (const [name, s] of Object.entries(e.stopGrace ?? {}))
      expect(svc(name).stopGracePeriodSeconds).toBe(s);
    for (const [name, command] of Object.entries(e.command ?? {})) expect(svc(name).command).toEqual(command);
    for (const [name, entrypoint] of Object.entries(e.entrypoint ?? {}))
      expect(svc(name).entrypoint).toEqual(entrypoint);
    for (const [name, caps] of Object.entries(e.caps ?? {})) expect(svc(name).capAdd).toEqual(caps);
    if (e.changed) expect(report.changed.map(where)).toEqual(expect.arrayContaining(e.changed));
    if (e.changed?.length === 0) expect(report.changed.map(where)).toEqual([]);
    if (e.ignored) expect(report.ignored.map(where)).toEqual(expect.arrayContaining(e.ignored));
    if (e.ignored?.length === 0) expect(report.ignored.map(where)).toEqual([]);
    // Whatever the file says, an imported service runs hardened: no user means the image's own user.
    for (const s of plug.services) {
      expect(
        s.capAdd.every((c) =>
          [
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "SETUID",
            "SETGID",
            "NET_BIND_SERVICE",
            "KILL",
          ].includes(c),
        ),
      ).toBe(true);
      expect(s.runAsRoot).toBe(s.user === undefined);
    }
  });
});

describe("hostile compose input", () => {
  const refusedWith = (text: string, words: RegExp) => {
    let error: unknown;
    try {
      importCompose(text, { id: "hostile", version: 1 });
    } catch (err) {
      error = err;
    }
    expect(isAimsError(error, "invalid_input"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(words);
  };

  it("refuses a 10 MB file before parsing it", () => {
    refusedWith(
      `services:\n  app:\n    image: a:1.0.0\n# ${"x".repeat(10 * 1024 * 1024)}\n`,
      /KiB; at most 256 KiB/,
    );
  });

  it("refuses binary junk", () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString("latin1");
    refusedWith(junk, /not text|not valid YAML/);
    refusedWith(`services:\n  app:\n    image: a:1.0.0\u0000\n`, /control character/);
  });

  it(`refuses a file of 500 services (at most ${MAX_COMPOSE_SERVICES})`, () => {
    const services = Array.from({ length: 500 }, (_, i) => `  s${i}:\n    image: a:1.0.0\n`).join("");
    refusedWith(`services:\n${services}`, /has 500 services; at most 20/);
  });

  it("refuses deep nesting and alias bombs without running out of stack", () => {
    refusedWith(
      `services:\n  app:\n    image: a:1.0.0\n    labels: ${"[".repeat(5000)}${"]".repeat(5000)}\n`,
      /labels|YAML/,
    );
    const aliases = Array.from({ length: 300 }, () => "*x").join(", ");
    refusedWith(
      `x-a: &x 1\nservices:\n  app:\n    image: a:1.0.0\n    command: [${aliases}]\n`,
      /not usable YAML/,
    );
  });

  it("never crashes on any value under any service key: imported or refused as invalid input", () => {
    // Every key the translator knows (handled, refused, replaced, ignored), and two it does not.
    const keys = [
      ...HANDLED,
      ...Object.keys(REFUSED),
      ...Object.keys(REPLACED),
      ...Object.keys(IGNORED),
      "x-any",
      "unknown",
    ];
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(
        "a:1.0.0",
        "${X}",
        "${X:-1}",
        "80:80",
        "data:/data",
        "/var/run/docker.sock:/s",
        "$$",
        "1m",
      ),
    );
    const service = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 });
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("a", "b", "web", "Bad_Name"), service, { minKeys: 1, maxKeys: 3 }),
        (services) => {
          try {
            translateCompose({ services } as never, { id: "random", version: 1 });
          } catch (err) {
            expect(isAimsError(err, "invalid_input"), `${String(err)}\n${JSON.stringify(services)}`).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never crashes on random mutations of the corpus", () => {
    // Cut and spliced corpus files: each either imports or is refused as invalid input, never anything else.
    const texts = files.map((f) => readFileSync(join(CORPUS, f), "utf8"));
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 300; n++) {
      const a = texts[next() % texts.length]!;
      const b = texts[next() % texts.length]!;
      const text = a.slice(0, next() % (a.length + 1)) + b.slice(next() % (b.length + 1));
      try {
        importCompose(text, { id: "mutant", version: 1 });
      } catch (err) {
        expect(isAimsError(err, "invalid_input"), `${String(err)}\n---\n${text}`).toBe(true);
      }
    }
  });
});

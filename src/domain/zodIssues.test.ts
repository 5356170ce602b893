import { describe, expect, it } from "vitest";
import { z } from "zod";
import { plugSchema } from "./manifest.js";
import { nameSchema } from "./names.js";
import { fieldPath, formatIssues, type IssueOptions } from "./zodIssues.js";

/** The message for `value` against `schema` (which must refuse it). */
function explain(schema: z.ZodType, value: unknown, options?: IssueOptions): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected the schema to refuse the value");
  return formatIssues(parsed.error, options);
}

const body: IssueOptions = { fieldName: (path) => fieldPath(path, "body") };

/** Words of zod's own messages that must never reach a person. */
const ZOD_WORDING =
  /Too (big|small)|Invalid (input|string|option)|expected .* to (be|have)|Unrecognized key|received /;

describe("formatIssues", () => {
  it.each([
    [z.object({ replicas: z.number().int().max(20) }), { replicas: 99 }, "body.replicas must be at most 20"],
    [z.object({ replicas: z.number().positive() }), { replicas: 0 }, "body.replicas must be more than 0"],
    [z.object({ n: z.number().int() }), { n: 1e300 }, "body.n must be at most 9007199254740991"],
    [z.object({ n: z.number().min(1) }), { n: 0 }, "body.n must be at least 1"],
    [z.object({ n: z.number() }), { n: "1" }, "body.n must be a number"],
    [z.object({ name: z.string() }), {}, "body.name is required"],
    [z.object({ name: z.string().min(1) }), { name: "" }, "body.name must not be empty"],
    [z.object({ name: z.string().max(3) }), { name: "abcd" }, "body.name must be at most 3 characters"],
    [z.object({ tags: z.array(z.string()).min(1) }), { tags: [] }, "body.tags must have at least one item"],
    [
      z.object({ tags: z.array(z.string()).max(1) }),
      { tags: ["a", "b"] },
      "body.tags must have at most 1 item",
    ],
    [z.object({ on: z.boolean() }), { on: "yes" }, "body.on must be true or false"],
    [z.object({ mode: z.enum(["fast", "safe"]) }), { mode: "turbo" }, "body.mode must be one of: fast, safe"],
    [z.object({ kind: z.literal("Plug") }), { kind: "x" }, 'body.kind must be "Plug"'],
    [z.object({ mail: z.email() }), { mail: "x" }, "body.mail must be an email address"],
    [z.object({ url: z.url() }), { url: "nope" }, "body.url must be a URL"],
    [z.object({ v: z.string().regex(/^\d+$/) }), { v: "x" }, "body.v must match the pattern /^\\d+$/"],
    [
      z.object({ host: z.union([z.ipv4(), z.ipv6(), z.literal("localhost")]) }),
      { host: "everywhere" },
      'body.host must be an IPv4 address, an IPv6 address or "localhost"',
    ],
    [
      z.object({ env: z.record(z.string().regex(/^[A-Z]+$/), z.string()) }),
      { env: { bad: "1" } },
      'body.env has a key "bad" that must match the pattern /^[A-Z]+$/',
    ],
    [z.strictObject({ a: z.string().optional() }), { colour: "red" }, "body.colour is not a known field"],
    [z.object({ a: z.string() }), "text", "body must be an object"],
    [z.object({ a: z.string().refine(() => false) }), { a: "x" }, "body.a is not valid"],
  ])("words %#: %s", (schema, value, expected) => {
    const message = explain(schema, value, body);
    expect(message).toBe(expected);
    expect(message).not.toMatch(ZOD_WORDING);
  });

  it("keeps a schema's own message, after the field when it reads as a predicate", () => {
    expect(explain(z.object({ tenant: nameSchema }), { tenant: "Acme!" })).toMatch(
      /^tenant must be a DNS label: 1-32 lowercase letters/,
    );
    const ports = z.object({
      ports: z
        .object({ min: z.number(), max: z.number() })
        .refine((r) => r.min <= r.max, { message: "ports.min must not exceed ports.max" }),
    });
    expect(explain(ports, { ports: { min: 2, max: 1 } })).toBe("ports: ports.min must not exceed ports.max");
  });

  it("names fields in a manifest the way its author wrote them", () => {
    const plug = {
      apiVersion: "aims.dev/v1",
      kind: "Plug",
      id: "demo",
      version: "1",
      name: "Demo",
      category: "tool",
      services: [{ name: "web", image: "nginx" }],
    };
    const message = explain(plugSchema, plug);
    expect(message).toMatch(/^version must be a semantic version like 1\.2\.3/);
    expect(message).toMatch(/services\[0\]\.image must pin a tag/);
    expect(message).not.toMatch(ZOD_WORDING);
  });

  it("names the whole value `input` unless told otherwise, and counts what it leaves out", () => {
    expect(explain(z.string(), 5)).toBe("input must be a string");
    expect(explain(z.string(), 5, { fieldName: (p) => fieldPath(p) || "the configuration" })).toBe(
      "the configuration must be a string",
    );
    const many = z.object({ a: z.string(), b: z.string(), c: z.string() });
    expect(explain(many, {}, { limit: 2 })).toBe("a is required; b is required; and 1 more");
  });
});

describe("fieldPath", () => {
  it("writes keys with dots and indexes in brackets", () => {
    expect(fieldPath(["services", 0, "image"])).toBe("services[0].image");
    expect(fieldPath(["replicas"], "body")).toBe("body.replicas");
    expect(fieldPath([], "query")).toBe("query");
    expect(fieldPath([])).toBe("");
  });
});

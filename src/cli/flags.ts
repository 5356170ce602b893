import type { Command } from "commander";
import * as z from "zod";
import { AimsError } from "../domain/errors.js";
import { formatIssues } from "../domain/zodIssues.js";
import { LOCAL_IMAGE_GROUPS } from "../images/localImageGroups.js";

/**
 * A flag's schema, built (and its module loaded) when first asked for: when a command line gives the flag a
 * value. A command builds the schemas of the flags it is given, not those of every flag of every command.
 */
export type FlagSchema = () => z.ZodType | Promise<z.ZodType>;

/** What `build` makes, made on the first call; later calls answer the same schema. */
function once(build: FlagSchema): FlagSchema {
  let built: ReturnType<FlagSchema> | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

/** `KEY=VALUE`, the way `--set` answers a plug input (the API's `set` is the same pairs as an object). */
const setPairSchema = () =>
  z.string().regex(/^[^=]+=/, { error: "must be KEY=VALUE, like SITE_TITLE=Hello" });

const IMAGE_PAIR = "must be SERVICE=IMAGE with a pinned tag or digest, like web=nginx:1.27.0";

/** `service=image:tag`, one entry of the update action's `images`, checked by the same two schemas. */
async function imagePairSchema(): Promise<z.ZodType> {
  const [{ nameSchema }, { pinnedImageSchema }] = await Promise.all([
    import("../domain/names.js"),
    import("../domain/manifest.js"),
  ]);
  return z.string().refine(
    (pair) => {
      const eq = pair.indexOf("=");
      return (
        eq > 0 &&
        nameSchema.safeParse(pair.slice(0, eq)).success &&
        pinnedImageSchema.safeParse(pair.slice(eq + 1)).success
      );
    },
    { error: IMAGE_PAIR },
  );
}

const groups: readonly string[] = LOCAL_IMAGE_GROUPS;

/** `base,plugs`: a comma-separated subset of the local image groups. */
const imageGroupsSchema = () =>
  z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((group) => group.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((group) => groups.includes(group)), {
      error: `must be one of: ${groups.join(", ")}, or several of them separated by commas`,
    });

/** True when the `YYYY-MM-DD` a text starts with is a day of the calendar (not 2026-02-31). */
function calendarDateExists(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `2026-01-31` or `2026-01-31T12:00:00Z` (any offset): a point in time, as the store writes times (UTC ISO). */
const isoTimeSchema = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, {
      error: "must be a date or a time in ISO 8601, like 2026-01-31 or 2026-01-31T12:00:00Z",
    })
    .refine((text) => calendarDateExists(text) && !Number.isNaN(Date.parse(text)), {
      error: "must be a date or a time that exists, like 2026-01-31 or 2026-01-31T12:00:00Z",
    })
    .transform((text) => new Date(text).toISOString());

/** A number typed as text (`--replicas 3`), then checked by `schema`. */
async function numberFlag(schema: Promise<z.ZodType>): Promise<z.ZodType> {
  const { numberFromText } = await import("../domain/numbers.js");
  return numberFromText(await schema);
}

const names = () => import("../domain/names.js");
const manifest = () => import("../domain/manifest.js");
const resourceLimits = () => import("../domain/resourceLimits.js");
const autoscale = () => import("../domain/autoscale.js");
const alertChannels = () => import("../domain/alertChannels.js");

/**
 * The one schema of every flag that takes a value, by its long name: the schema the API and the operation parse
 * the same value with (a number typed as text first becomes a number), or one built from theirs where the flag
 * spells it differently (`--set KEY=VALUE` for the body's `set`). A flag that is not here is not checked, and
 * test/cli-flags.test.ts fails until it is. Each is built when first asked for (see FlagSchema).
 */
export const FLAG_SCHEMAS: Readonly<Record<string, FlagSchema>> = Object.fromEntries(
  Object.entries({
    "--config": () => z.string().min(1, { error: "must be a file path, like /etc/aims/config.yaml" }),
    "--data-dir": () => z.string().min(1, { error: "must be a directory, like /var/lib/aims" }),
    "--tenant": async () => (await names()).nameSchema,
    "--name": async () => (await names()).newNameSchema,
    "--service": async () => (await names()).nameSchema,
    "--set": setPairSchema,
    "--image": imagePairSchema,
    "--reuse-volumes": async () => (await names()).keptVolumeReferenceSchema,
    "--tail": async () => (await import("../domain/instanceRequests.js")).logTailSchema,
    "--type": async () => (await import("../domain/eventTypes.js")).eventTypePrefixSchema,
    "--category": async () => (await manifest()).plugCategorySchema,
    "--search": async () => (await import("../catalog/searchCatalog.js")).plugSearchSchema,
    "--replicas": () => numberFlag(import("../domain/instanceRequests.js").then((m) => m.replicasSchema)),
    "--cpu": () => numberFlag(resourceLimits().then((m) => m.cpuLimitSchema)),
    "--memory": async () => (await resourceLimits()).memoryLimitSchema,
    "--pids": () => numberFlag(resourceLimits().then((m) => m.pidsLimitSchema)),
    "--only": imageGroupsSchema,
    "--plan": async () => (await import("../domain/plans.js")).planNameSchema,
    "--out": () =>
      z.string().min(1, { error: "must be a new directory or a .tar.gz file, like acme-web.tar.gz" }),
    "--file": () => z.string().min(1, { error: "must be a file path, like audit.jsonl" }),
    "--since": isoTimeSchema,
    "--unit-dir": () =>
      z.string().regex(/^\//, { error: "must be an absolute path, like /etc/systemd/system" }),
    "--conversation": () =>
      z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {
        error:
          "must be a conversation id (1-64 letters, digits, _ and -) from an earlier answer of aims chat",
      }),
    "--status": async () => {
      const { APPROVAL_STATUSES } = await import("../domain/approvals.js");
      return z.enum(APPROVAL_STATUSES, { error: `must be one of: ${APPROVAL_STATUSES.join(", ")}` });
    },
    "--chat-id": async () => (await alertChannels()).telegramChatIdSchema,
    "--label": async () => (await alertChannels()).channelNameSchema,
    "--channel": () =>
      z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {
        error: "must be a channel id (1-64 letters, digits, _ and -) as aims webhooks list shows it",
      }),
    "--min": () => numberFlag(autoscale().then((m) => m.policyReplicasSchema)),
    "--max": () => numberFlag(autoscale().then((m) => m.policyReplicasSchema)),
    "--cooldown": () => numberFlag(autoscale().then((m) => m.cooldownSecondsSchema)),
    "--reason": () =>
      z
        .string()
        .min(1, { error: "must be at least 1 character" })
        .max(500, { error: "must be at most 500 characters" }),
  } satisfies Record<string, FlagSchema>).map(([flag, schema]) => [flag, once(schema)]),
);

/**
 * Flags one command spells like another's but means otherwise: `aims autoscale set --cpu 70 --memory 80` are
 * targets in % of the limit, not CPU cores and a memory size. Every value the shared schema refuses, these refuse.
 */
export const COMMAND_FLAG_SCHEMAS: Readonly<Record<string, Readonly<Record<string, FlagSchema>>>> = {
  "autoscale set": {
    "--cpu": once(() => numberFlag(autoscale().then((m) => m.targetPercentSchema))),
    "--memory": once(() => numberFlag(autoscale().then((m) => m.targetPercentSchema))),
  },
};

/** The words that name a command under the program: `autoscale set`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Parses the value of every flag of `command` and of the commands above it with its schema, and puts the parsed
 * value back, so the action receives numbers as numbers and sizes as bytes. A bad value is refused before the
 * action runs: AimsError("invalid_input") naming the flag and what it may be.
 * @example parseFlags(command) // `--tail abc`: "--tail must be a whole number from 0 to 10000"
 */
export async function parseFlags(command: Command): Promise<void> {
  for (let c: Command | null = command; c; c = c.parent) {
    for (const option of c.options) {
      const schemaOf = option.long
        ? (COMMAND_FLAG_SCHEMAS[commandPath(c)]?.[option.long] ?? FLAG_SCHEMAS[option.long])
        : undefined;
      if (!schemaOf || !option.long) continue;
      const key = option.attributeName();
      const value: unknown = c.getOptionValue(key);
      if (value === undefined || typeof value === "boolean") continue;
      const flag = option.long;
      const schema = await schemaOf();
      const parsed = Array.isArray(value)
        ? value.map((item) => parseFlag(flag, schema, item))
        : parseFlag(flag, schema, value);
      c.setOptionValueWithSource(key, parsed, c.getOptionValueSource(key));
    }
  }
}

function parseFlag(flag: string, schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AimsError("invalid_input", formatIssues(parsed.error, { fieldName: () => flag }));
}

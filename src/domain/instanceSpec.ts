import * as z from "zod";
import { AimsError } from "./errors.js";
import { type Plug, plugSchema } from "./manifest.js";
import { LEGACY_DEFAULT_RESOURCES, type ServiceResources, type SizedPlug, sizePlug } from "./sizedPlug.js";
import { fieldPath, formatIssues } from "./zodIssues.js";

/** Per-service resource overrides set by `aims update`. */
export interface ResourceOverride {
  cpu?: number;
  memory?: number;
  pids?: number;
}

/**
 * Everything the reconciler needs to rebuild an instance, stored as JSON on the instance row and on
 * each revision. The plug manifest is pinned here, so a catalog change never alters a running
 * instance until it is updated. Never holds a secret.
 */
export interface InstanceSpec {
  inputs: Record<string, string>;
  /** Sized: a resource the manifest leaves out holds the plan's default it was deployed with. */
  plug: SizedPlug;
  /** Directory of the manifest (build contexts resolve against it). */
  catalogDir: string;
  /** Image per service, by override (`--image svc=ref`); otherwise resolved from the manifest. */
  images: Record<string, string>;
  replicas: Record<string, number>;
  resources: Record<string, ResourceOverride>;
  keepVolumes?: boolean;
}

/**
 * A new instance's spec from its catalog entry (manifest + directory) and validated (non-secret) inputs; a
 * resource the manifest leaves out is `defaults` (the tenant's plan's `defaultResources`), recorded here.
 */
export function newSpec(
  entry: { plug: Plug; dir: string },
  inputs: Record<string, string>,
  defaults: Readonly<ServiceResources>,
): InstanceSpec {
  return {
    inputs,
    plug: sizePlug(entry.plug, defaults),
    catalogDir: entry.dir,
    images: {},
    replicas: Object.fromEntries(entry.plug.services.map((s) => [s.name, s.replicas ?? 1])),
    resources: {},
  };
}

/** What the reconcile tick compares a stored spec by: its services' names and their replica counts. */
export interface SpecShape {
  plug: { services: ReadonlyArray<{ name: string }> };
  replicas: Record<string, number>;
}

const specShapeSchema = z.object({
  plug: z.object({ services: z.array(z.object({ name: z.string() })) }),
  replicas: z.record(z.string(), z.number()).default({}),
});

/**
 * The services and replica counts of a stored spec, read without validating its manifest. The tick compares
 * every instance's container names every few seconds, and validating each manifest each time was most of its
 * CPU and garbage; the full validation (`parseSpec`) is what a reconcile pass of the instance does.
 */
export function readSpecShape(text: string): SpecShape {
  return specShapeSchema.parse(JSON.parse(text));
}

/**
 * Parses a stored spec; the pinned manifest is re-validated so a stored row can never bypass the schema. A
 * manifest the schema now refuses (it was tightened since) is AimsError("failed") naming the fields.
 */
export function parseSpec(text: string): InstanceSpec {
  const raw = JSON.parse(text) as InstanceSpec;
  const parsed = plugSchema.safeParse(raw.plug);
  if (!parsed.success)
    throw new AimsError(
      "failed",
      `the stored manifest of this instance no longer passes validation: ${formatIssues(parsed.error, {
        fieldName: (path) => fieldPath(path) || "the manifest",
      })}`,
    );
  const plug = sizePlug(parsed.data, LEGACY_DEFAULT_RESOURCES);
  return {
    inputs: raw.inputs ?? {},
    plug,
    catalogDir: raw.catalogDir,
    images: raw.images ?? {},
    replicas: { ...Object.fromEntries(plug.services.map((s) => [s.name, 1])), ...(raw.replicas ?? {}) },
    resources: raw.resources ?? {},
    ...(raw.keepVolumes ? { keepVolumes: true } : {}),
  };
}

/** The manifest with resource overrides applied (what rendering uses). */
export function effectivePlug(spec: InstanceSpec): SizedPlug {
  return {
    ...spec.plug,
    services: spec.plug.services.map((svc) => {
      const o = spec.resources[svc.name];
      return o ? { ...svc, resources: { ...svc.resources, ...o } } : svc;
    }),
  };
}

/** A service may run several replicas only when it keeps no data in volumes. */
export function isStateless(plug: Plug | SizedPlug, service: string): boolean {
  const svc = plug.services.find((s) => s.name === service);
  return Boolean(svc) && svc!.volumes.length === 0;
}

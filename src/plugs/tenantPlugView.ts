import type { ComposeReport } from "../compose/composeModel.js";
import type { Plug } from "../domain/manifest.js";
import type { TenantPlugRow } from "../store/tenantPlugRepository.js";

/** A tenant's private plug as `aims plug show` and `GET /v1/tenants/{t}/plugs/{name}` show it. */
export interface TenantPlugView {
  name: string;
  tenant: string;
  version: number;
  importedAt: string;
  importedBy: string;
  /** What a deploy asks: each input's key, type, whether it must be given, and its default. */
  inputs: Array<{ key: string; type: string; required: boolean; default?: string; generated?: boolean }>;
  services: Array<{ name: string; image: string; ports: number[]; volumes: string[]; dependsOn: string[] }>;
  /** What the import did differently from Compose, and the keys it did not use. */
  report: ComposeReport;
  /** Versions kept under this name (newest first); instances pin the one they were deployed with. */
  versions: number[];
}

/** The view of a stored plug version (and the versions beside it). */
export function tenantPlugView(
  row: TenantPlugRow,
  tenant: string,
  versions: number[] = [row.version],
): TenantPlugView {
  const plug = JSON.parse(row.manifest) as Plug;
  return {
    name: row.name,
    tenant,
    version: row.version,
    importedAt: row.created_at,
    importedBy: row.created_by,
    inputs: plug.inputs.map((i) => ({
      key: i.key,
      type: i.type,
      required: i.required !== false,
      ...("default" in i && i.default !== undefined ? { default: String(i.default) } : {}),
      ...(i.type === "secret" && i.generated ? { generated: true } : {}),
    })),
    services: plug.services.map((s) => ({
      name: s.name,
      image: s.image ?? "",
      ports: s.ports.map((p) => p.container),
      volumes: s.volumes.map((v) => `${v.name}:${v.path}`),
      dependsOn: s.dependsOn,
    })),
    report: JSON.parse(row.report) as ComposeReport,
    versions,
  };
}

import { api } from "../../api/client";
import { must } from "../../api/errors";
import type { paths } from "../../api/schema";

type ActionBody = NonNullable<
  paths["/v1/tenants/{tenant}/instances/{name}/actions/{action}"]["post"]["requestBody"]
>["content"]["application/json"];

/** The lifecycle actions the API runs (`POST …/actions/{action}`); each answers once the instance has settled. */
export type ActionName = "stop" | "start" | "restart" | "suspend" | "resume" | "scale" | "update";

/** Runs an instance action and waits for the API's answer (the instance settled, or the reason it did not). */
export function runAction(tenant: string, name: string, action: ActionName, body: ActionBody = {}) {
  return must(
    api.POST("/v1/tenants/{tenant}/instances/{name}/actions/{action}", {
      params: { path: { tenant, name, action } },
      body,
    }),
  );
}

/** Removes an instance (its volumes too, unless kept). */
export function removeInstance(tenant: string, name: string, keepVolumes: boolean) {
  return must(
    api.DELETE("/v1/tenants/{tenant}/instances/{name}", {
      params: { path: { tenant, name }, query: { keepVolumes: keepVolumes ? "true" : "false" } },
    }),
  );
}

import * as z from "zod";
import { exportArchive } from "../../export/writeBundle.js";
import { actorOf } from "../../tenancy/principal.js";
import { defineRoute } from "../route.js";
import { instanceParams } from "./params.js";
import { requireInstanceFor } from "./requireInstance.js";

const exportQuery = z.strictObject({ withData: z.enum(["true", "false"]).default("false") });

/** An instance as a self-hosting bundle (a .tar.gz); the API never puts the instance's secrets in it. */
export const instanceExportRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances/:name/export",
    summary:
      "The running instance as a bundle that runs on any Docker host without AIMS (application/gzip: docker-compose.yml, .env.example, setup.sh, healthcheck.sh, nginx.conf, README.md, images/, and with `withData=true` a copy of its volumes, each service paused while copied); secrets are left for setup.sh to generate",
    tag: "instances",
    auth: "required",
    engine: "checks",
    params: instanceParams,
    query: exportQuery,
    produces: "application/gzip",
    handler: async ({ services: { platform }, caller, params, query, reply }) => {
      const { tenant, instance } = await requireInstanceFor(
        platform,
        caller,
        params.tenant,
        params.name,
        "instance.operate",
      );
      await platform.checkEngine();
      const { summary, stream } = await exportArchive(
        await platform.reconciler(),
        actorOf(caller),
        tenant,
        instance,
        { withData: query.withData === "true", includeSecrets: false },
        () => {},
      );
      reply.type("application/gzip");
      reply.header("content-disposition", `attachment; filename="${summary.project}.tar.gz"`);
      reply.header("cache-control", "no-store");
      return stream;
    },
  }),
];

import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertInstance } from "../src/store/instanceRepository.js";
import { insertTenant } from "../src/store/tenantRepository.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { instanceRow } from "./support/rows.js";

const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");
let f: ApiFixture;
beforeAll(async () => {
  f = await createApiFixture();
  const db = f.platform.store.db;
  const tenant = await insertTenant(db, { name: "readers", plan: "team" });
  // A spec that no longer parses (e.g. written by a release whose manifest schema was looser).
  await insertInstance(
    db,
    instanceRow({
      tenant_id: tenant.id,
      name: "odd",
      plug_id: "static-site",
      spec: JSON.stringify({ plug: { id: "static-site", services: "not a list" }, inputs: {} }),
    }),
  );
});
afterAll(() => f.close());

describe("one instance read model", () => {
  it("shows an instance whose stored spec does not parse the same in `aims ps --json` and the API", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, "ps", "--tenant", "readers", "--json"],
      {
        env: { ...process.env, ...f.cliEnv, AIMS_PROXY: "off", AIMS_LOG_LEVEL: "silent" },
      },
    );
    const [fromCli] = JSON.parse(stdout);
    const api = await f.call("GET", "/v1/tenants/readers/instances/odd", { as: { key: f.operatorKey } });
    expect(api.statusCode).toBe(200);
    expect(fromCli).toEqual(api.json());
    expect(fromCli).toMatchObject({ name: "odd", tenant: "readers", plug: "static-site", state: "ready" });
  });
});

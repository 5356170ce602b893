import { describe, expect, it } from "vitest";
import {
  containerLabels,
  containerName,
  idVolumeName,
  installTag,
  instanceLabels,
  networkName,
  objectPrefix,
  replicaNumbers,
  serviceVolumeName,
  volumeLabels,
  volumeName,
} from "./objectNames.js";

const ids = { installationId: "01JINSTALLATION0000ABC123", tenantId: "T1", instanceId: "I1" };

describe("Docker object names", () => {
  it("prefix every object with the install tag, tenant and instance", () => {
    expect(installTag(ids.installationId)).toBe("abc123");
    const prefix = objectPrefix(ids.installationId, "acme", "shop");
    expect(prefix).toBe("aims-abc123-acme-shop");
    expect(networkName(prefix)).toBe("aims-abc123-acme-shop");
    expect(volumeName(prefix, "db", "data")).toBe("aims-abc123-acme-shop-db-data");
    expect(containerName(prefix, "db", 2, 7)).toBe("aims-abc123-acme-shop-db-2-r7");
  });

  it("name volumes from the instance id, or by name for instances that had them before", () => {
    expect(idVolumeName(ids.installationId, "01JINST", "db", "data")).toBe("aims-abc123-01jinst-db-data");
    const owner = {
      installationId: ids.installationId,
      tenantName: "acme",
      instanceName: "shop",
      instanceId: "01JINST",
    };
    expect(serviceVolumeName({ ...owner, naming: "id" }, "db", "data")).toBe("aims-abc123-01jinst-db-data");
    expect(serviceVolumeName({ ...owner, naming: "name" }, "db", "data")).toBe(
      "aims-abc123-acme-shop-db-data",
    );
  });

  it("numbers replicas from 1", () => {
    expect(replicaNumbers(3)).toEqual([1, 2, 3]);
    expect(replicaNumbers(0)).toEqual([]);
  });
});

describe("Docker object labels", () => {
  it("carry the installation, tenant and instance ids, and narrow down per object", () => {
    const base = {
      "aims.managed": "true",
      "aims.installation": ids.installationId,
      "aims.tenant": "T1",
      "aims.instance": "I1",
    };
    expect(instanceLabels(ids)).toEqual(base);
    expect(volumeLabels(ids, "db")).toEqual({ ...base, "aims.service": "db" });
    expect(containerLabels(ids, "db", 2, 7)).toEqual({
      ...base,
      "aims.service": "db",
      "aims.replica": "2",
      "aims.revision": "7",
    });
  });
});

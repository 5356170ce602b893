import { describe, expect, it } from "vitest";
import { canonicalRepository, imageRepositoryAllowed } from "./imageRepositories.js";

describe("image repositories of aims update --image", () => {
  it("spells Docker Hub's repositories out", () => {
    expect(canonicalRepository("nginx")).toBe("docker.io/library/nginx");
    expect(canonicalRepository("library/nginx")).toBe("docker.io/library/nginx");
    expect(canonicalRepository("aims-plug/static-site-web")).toBe("docker.io/aims-plug/static-site-web");
    expect(canonicalRepository("index.docker.io/library/nginx")).toBe("docker.io/library/nginx");
    expect(canonicalRepository("ghcr.io/acme/app")).toBe("ghcr.io/acme/app");
    expect(canonicalRepository("localhost:5000/app")).toBe("localhost:5000/app");
  });

  it("allows the plug's own repositories in any spelling, at any tag or digest", () => {
    const own = ["postgres", "ghcr.io/berriai/litellm"];
    expect(imageRepositoryAllowed("postgres:16.4", own, [])).toBe(true);
    expect(imageRepositoryAllowed("docker.io/library/postgres:16.4", own, [])).toBe(true);
    expect(imageRepositoryAllowed(`ghcr.io/berriai/litellm@sha256:${"a".repeat(64)}`, own, [])).toBe(true);
    expect(imageRepositoryAllowed("aims-base/busybox:1", own, [])).toBe(false);
    expect(imageRepositoryAllowed("ghcr.io/berriai/litellm-evil:1", own, [])).toBe(false);
  });

  it("allows more only as the operator says: a repository, a prefix, or anything", () => {
    expect(imageRepositoryAllowed("aims-base/busybox:1", [], ["aims-base/busybox"])).toBe(true);
    expect(imageRepositoryAllowed("ghcr.io/acme/app:1", [], ["ghcr.io/acme/*"])).toBe(true);
    expect(imageRepositoryAllowed("ghcr.io/acmeevil/app:1", [], ["ghcr.io/acme/*"])).toBe(false);
    expect(imageRepositoryAllowed("anything/at:all", [], ["*"])).toBe(true);
  });
});

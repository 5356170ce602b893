import type { Command } from "commander";
import { LOCAL_IMAGE_GROUPS } from "../../images/localImageGroups.js";

/** `aims images build-local`: the images an air-gapped host needs, and the overrides that use them. */
export function registerImages(program: Command): void {
  const images = program.command("images").description("local images for air-gapped hosts and tests");
  images
    .command("build-local")
    .description(
      "build base images, every plug built from source, and PostgreSQL/Redis from Debian packages (mmdebstrap); print the image overrides",
    )
    .option("--only <groups>", `comma-separated subset of: ${LOCAL_IMAGE_GROUPS.join(", ")}`)
    .option("--save", "write the image overrides into the config file (imageOverrides)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts) {
      const { runBuildLocal } = await import("../actions/images.js");
      await runBuildLocal(this, opts);
    });
}

import type { AimsConfig } from "../config.js";
import { AimsError } from "../domain/errors.js";
import { imageRepositoryAllowed } from "../domain/imageRepositories.js";
import { type Plug, parseImageRef } from "../domain/manifest.js";
import { plugImageRepository } from "../images/plugImageTag.js";

/**
 * The repositories a plug's images come from: each service's image, what the operator's imageOverrides map it
 * to, and the local build repository of each built service.
 */
export function plugRepositories(plug: Plug, overrides: Record<string, string>): string[] {
  const repositories = plug.services.flatMap((svc) => {
    if (!svc.image) return [plugImageRepository({ plugId: plug.id, service: svc.name })];
    const override = overrides[svc.image];
    return [svc.image, ...(override ? [override] : [])].map((ref) => parseImageRef(ref).repository);
  });
  return [...new Set(repositories)];
}

/**
 * Refuses a pin (`aims update --image service=ref`) outside the plug's own repositories unless the operator
 * allows its repository (`allowedImageRepositories`): any local image would otherwise run with the instance's
 * secrets and network.
 */
export function assertPinnableImage(
  config: Pick<AimsConfig, "imageOverrides" | "allowedImageRepositories">,
  plug: Plug,
  service: string,
  ref: string,
): void {
  const own = plugRepositories(plug, config.imageOverrides);
  if (imageRepositoryAllowed(ref, own, config.allowedImageRepositories)) return;
  throw new AimsError(
    "invalid_input",
    `--image ${service}=${ref} is not from plug ${plug.id}'s own image repositories (${own.join(", ")}); the operator may allow more with allowedImageRepositories (AIMS_ALLOWED_IMAGE_REPOSITORIES)`,
  );
}

import { parseImageRef } from "./manifest.js";

/**
 * The one spelling of a repository, so two references to it compare equal: Docker Hub's implicit registry and
 * `library/` namespace are written out.
 * @example canonicalRepository("nginx") // "docker.io/library/nginx"
 * @example canonicalRepository("ghcr.io/acme/app") // "ghcr.io/acme/app"
 */
export function canonicalRepository(repository: string): string {
  const lower = repository.toLowerCase();
  const [first = "", ...rest] = lower.split("/");
  const hasRegistry =
    rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return first === "index.docker.io" ? `docker.io/${rest.join("/")}` : lower;
  return rest.length === 0 ? `docker.io/library/${lower}` : `docker.io/${lower}`;
}

/** The repository of an image reference, canonical. */
export function repositoryOf(ref: string): string {
  return canonicalRepository(parseImageRef(ref).repository);
}

/**
 * True when `ref` may be pinned: its repository is one of `own` (the plug's) or matches an operator's pattern —
 * a repository (`ghcr.io/acme/app`), a prefix (`ghcr.io/acme/*`), or `*` for any image.
 */
export function imageRepositoryAllowed(
  ref: string,
  own: readonly string[],
  allowed: readonly string[],
): boolean {
  const repository = repositoryOf(ref);
  if (own.some((r) => canonicalRepository(r) === repository)) return true;
  return allowed.some((pattern) => {
    if (pattern === "*") return true;
    if (pattern.endsWith("/*")) return repository.startsWith(`${canonicalRepository(pattern.slice(0, -2))}/`);
    return canonicalRepository(pattern) === repository;
  });
}

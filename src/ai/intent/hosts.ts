/** Host names in a request ("shop.acme.io", "WWW.Acme.IO" → "www.acme.io"); file names are not hosts. */
export function hostsIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text
    .toLowerCase()
    .matchAll(
      /(?<![\w@/.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w./-]|:\d*[a-z])/g,
    )) {
    const host = match[1]!;
    if (/\.(js|ts|py|md|html?|json|ya?ml|txt|sh|go|rs|env|lock)$/.test(host)) continue;
    if (!found.includes(host)) found.push(host);
  }
  return found;
}

/** A Docker image reference ("nginx:latest", "ghcr.io/acme/app:1.2"): never a plug. */
export function imageReferenceIn(text: string): string | undefined {
  return /(?<![\w:])([a-z][a-z0-9._/-]*:(?:latest|stable|alpine|slim|\d[\w.-]*))(?![\w:])/.exec(text)?.[1];
}

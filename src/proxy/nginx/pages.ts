/**
 * The pages AIMS answers with itself, so a visitor never sees nginx's default 502 or 404. They are
 * inline in the configuration (`return 503 "..."`): nginx's workers need read no file of the data
 * dir. Only DNS labels are interpolated, and no page holds `$` (nginx would read it as a variable).
 */
const page = (title: string, body: string) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}` +
  `small{color:#777}</style></head>\n<body><h1>${title}</h1><p>${body}</p>` +
  `<p><small>Served by AIMS.</small></p></body></html>\n`;

const STATE_WORDS: Record<string, string> = {
  pending: "is starting",
  deploying: "is starting",
  updating: "is being updated",
  stopping: "is stopping",
  stopped: "is stopped",
  suspended: "is suspended",
  failed: "has failed and is not running",
  removing: "is being removed",
};

/**
 * The 503 page of an instance that exists but does not take requests in its current state, or whose tenant
 * the operator suspended (that page names no state: the app is not coming back in a moment).
 */
export function unavailablePage(
  tenant: string,
  instance: string,
  state: string,
  tenantSuspended = false,
): string {
  if (tenantSuspended)
    return page(
      "503 Service Unavailable",
      `The app <b>${instance}</b> of <b>${tenant}</b> is suspended by the operator of this host. Its data is kept; it answers again once the operator resumes <b>${tenant}</b>.`,
    );
  const words = STATE_WORDS[state] ?? "is not running";
  return page(
    "503 Service Unavailable",
    `The app <b>${instance}</b> of <b>${tenant}</b> ${words}. Try again in a moment; its owner can check it with <code>aims ps</code>.`,
  );
}

/** The 503 page when every replica of a serving instance refused or timed out. */
export function notAnsweringPage(): string {
  return page(
    "503 Service Unavailable",
    "The app at this address is not answering right now. Try again in a moment.",
  );
}

/** The 404 page for a host or path no instance answers at. */
export function notFoundPage(): string {
  return page("404 Not Found", "There is no app at this address.");
}

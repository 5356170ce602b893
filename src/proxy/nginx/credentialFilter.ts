import { block, type Directive, directive } from "./directives.js";

// A tenant's app is hostile to the control plane: whatever credential of AIMS reaches it, it can replay
// against the API. Browsers do not separate cookies by port, so a user signed in to the API at
// 127.0.0.1:7700 sends its session cookies to every app at 127.0.0.1:8080 (or any other host the
// cookies match). The proxy removes AIMS's own cookies and bearer keys from every request to an instance
// and passes everything else (the app's own cookies, Basic auth, other bearer tokens) unchanged.

/**
 * How many AIMS cookies the proxy removes from one request, one per map. nginx's `map` replaces one match
 * and cannot loop, so the maps are chained; a request that still carries an AIMS cookie after that many
 * (only someone stuffing the cookie jar sends one) loses its whole Cookie header: fail closed.
 */
export const COOKIE_REMOVALS = 8;

/** An AIMS cookie name at the start of a cookie pair: `aims_…`, `__Host-aims_…` or `__Secure-aims_…`. */
const AIMS_COOKIE = "(?:__Host-|__Secure-)?aims_";

/** The Cookie header as it reaches instances: without any AIMS cookie. */
export const FILTERED_COOKIE = "$aims_cookie";
/** The Authorization header as it reaches instances: without `Bearer aims_…`. */
export const FILTERED_AUTHORIZATION = "$aims_authorization";

/**
 * The `map` chain that computes the filtered Cookie and Authorization headers, for the `http` block.
 * A cookie pair is `name=value` between semicolons (a value never holds `;`), so each map removes the
 * first pair whose name begins with AIMS's prefix: at the start of the header, or right after a `;` and
 * optional spaces. A name that merely contains `aims_` (`myaims_x`) or a value that does does not match.
 * An empty result makes nginx send no Cookie header at all.
 */
export function credentialMaps(): Directive[] {
  const maps: Directive[] = [];
  let source = "$http_cookie";
  for (let i = 1; i <= COOKIE_REMOVALS; i++) {
    const target = `$aims_cookie_${i}`;
    maps.push(
      block(
        "map",
        [source, target],
        [
          // The first pair, with the separator after it: `aims_session=…; x=1` → `x=1`.
          directive(`~^\\s*${AIMS_COOKIE}[^;]*;?\\s*(.*)$`, "$1"),
          // A later pair, with the separator before it: `x=1; aims_csrf=…; y=2` → `x=1; y=2`.
          directive(`~^(.*?);\\s*${AIMS_COOKIE}[^;]*(.*)$`, "$1$2"),
          directive("default", source),
        ],
      ),
    );
    source = target;
  }
  maps.push(
    block(
      "map",
      [source, FILTERED_COOKIE],
      [directive(`~(?:^|;)\\s*${AIMS_COOKIE}`, ""), directive("default", source)],
    ),
    // The API's own scheme (`Bearer aims_…`, any case); Basic and other bearer tokens are the app's.
    block(
      "map",
      ["$http_authorization", FILTERED_AUTHORIZATION],
      [directive("~*^\\s*bearer\\s+aims_", ""), directive("default", "$http_authorization")],
    ),
  );
  return maps;
}

/** The headers that replace the client's Cookie and Authorization on every proxied request. */
export function credentialHeaders(): Directive[] {
  return [
    directive("proxy_set_header", "Cookie", FILTERED_COOKIE),
    directive("proxy_set_header", "Authorization", FILTERED_AUTHORIZATION),
  ];
}

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * CSRF defences for cookie-authenticated requests with unsafe methods (POST, PUT, PATCH, DELETE):
 * the session's CSRF token in the form or a header (`tokensMatch`), and the request's origin
 * (`sameOrigin`). Requests authenticated by a bearer token need neither: a browser never attaches
 * one by itself.
 */

/**
 * Compare the session's CSRF token with the one the request sent, in constant time. Both are
 * hashed first, so neither the content nor the length of the expected token leaks through timing.
 *
 * @example
 *   if (!tokensMatch(session.csrfToken, form._csrf ?? c.req.header('x-csrf-token'))) throw new ForbiddenError('bad CSRF token');
 */
export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (expected === '' || given === undefined || given === '') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * True when an unsafe request comes from a page of our own origin (or of one in `allowed`, given as
 * origins like `https://app.example.com`). Call it for cookie-authenticated unsafe requests only.
 *
 * In order:
 * 1. `Origin` present: it must be the request's origin or allowed. `Origin: null` (sandboxed
 *    frames, some cross-origin redirects) is refused.
 * 2. No `Origin`, `Sec-Fetch-Site` present: only `same-origin` passes. The browser sets this header
 *    and page scripts cannot forge it, so it still protects when a Referrer-Policy strips the
 *    Referer. `same-site` is refused: a sibling subdomain is another application. `none` (typed
 *    in the address bar, a bookmark) is refused too: no browser sends an unsafe method that way.
 * 3. Neither: `Referer`'s origin must be the request's origin or allowed.
 * 4. None of the three: refused. Every current browser sends `Origin` with a POST, so this is an
 *    old browser or not a browser, and the caller wanted the cookie checked.
 *
 * The request's origin is `url.origin`; behind a proxy or an API gateway that may be an internal
 * address, so list the public origin(s) in `allowed`.
 *
 * @example
 *   if (!sameOrigin(c.req.raw.headers, new URL(c.req.url), config.allowedOrigins)) throw new ForbiddenError('cross-origin request refused');
 */
export function sameOrigin(headers: Headers, url: URL, allowed: readonly string[] = []): boolean {
  const accepted = new Set([url.origin, ...allowed.map(originOf).filter((o) => o !== undefined)]);
  const origin = headers.get('origin');
  if (origin !== null) return accepted.has(originOf(origin) ?? '');
  const fetchSite = headers.get('sec-fetch-site');
  if (fetchSite !== null) return fetchSite === 'same-origin';
  const referer = headers.get('referer');
  if (referer !== null) return accepted.has(originOf(referer) ?? '');
  return false;
}

/**
 * True when a browser says the request was made by a page of another site: an `Origin` that is
 * neither the request's nor allowed (`null` included), or a `Sec-Fetch-Site` other than
 * `same-origin` (or `none`, a user's own navigation). A request with neither header (curl, a
 * server, a mobile app) is not a browser's cross-site request and passes: this guards routes that
 * take no cookie, such as the OAuth2 token endpoint, against a cross-site form that would make a
 * visitor's browser guess passwords (and be throttled) on an attacker's behalf.
 *
 * @example
 *   if (crossSiteBrowserRequest(headers, url, allowedOrigins)) throw new ForbiddenError('cross-site request refused');
 */
export function crossSiteBrowserRequest(
  headers: Headers,
  url: URL,
  allowed: readonly string[] = [],
): boolean {
  const accepted = new Set([url.origin, ...allowed.map(originOf).filter((o) => o !== undefined)]);
  const origin = headers.get('origin');
  if (origin !== null && !accepted.has(originOf(origin) ?? '')) return true;
  const fetchSite = headers.get('sec-fetch-site');
  return fetchSite !== null && fetchSite !== 'same-origin' && fetchSite !== 'none';
}

/** `scheme://host[:port]` of a URL, normalised (case, default port); undefined for `null` or junk. */
function originOf(value: string): string | undefined {
  try {
    const origin = new URL(value).origin;
    // Opaque origins (data:, file:, `null`) serialise as 'null' and match nothing.
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Does this request come from a browser page (answer with HTML, redirect + flash) or from an
 * API client (answer with JSON)? The rule, in order:
 *
 * 1. `HX-Request: true` (an htmx partial update) → HTML. htmx sends `Accept: *\/*`, so the
 *    Accept header alone would not tell.
 * 2. Accept names `text/html` with a higher q than `application/json` → HTML. This is a
 *    browser navigation (`text/html,...,*\/*;q=0.8`). Wildcards count for neither side, so
 *    `curl` (`*\/*`) and `fetch()` default to JSON.
 * 3. The body is a form (urlencoded or multipart) and Accept does not name
 *    `application/json` → HTML: a plain `<form method="post">` submission.
 * 4. Otherwise → JSON.
 *
 * @example
 *   wantsHtml(new Headers({ accept: 'text/html,application/xhtml+xml,*\/*;q=0.8' })); // true
 *   wantsHtml(new Headers({ accept: 'application/json' })); // false
 *   wantsHtml(new Headers({ 'content-type': 'application/x-www-form-urlencoded' })); // true
 */
export function wantsHtml(headers: Headers): boolean {
  if (isHtmx(headers)) return true;
  const accept = (headers.get('accept') ?? '').toLowerCase();
  const htmlQ = qualityOf(accept, 'text/html');
  const jsonQ = qualityOf(accept, 'application/json');
  if (htmlQ > jsonQ) return true;
  return jsonQ === 0 && isFormContentType(headers.get('content-type'));
}

/** htmx sends `HX-Request: true` with every request it makes; navigations and plain form posts do not. */
export function isHtmx(headers: Headers): boolean {
  return headers.get('hx-request') === 'true';
}

/**
 * Rule 2 alone: the client itself asks for HTML over JSON (a browser navigation), whatever it sent.
 *
 * @example
 *   acceptsHtml(new Headers({ accept: 'text/html,*\/*;q=0.8' })); // true
 */
export function acceptsHtml(headers: Headers): boolean {
  const accept = (headers.get('accept') ?? '').toLowerCase();
  return qualityOf(accept, 'text/html') > qualityOf(accept, 'application/json');
}

export function isFormContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = mediaType(contentType);
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

export function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = mediaType(contentType);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** `Application/JSON; charset=utf-8` → `application/json`. */
function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** The q value a lower-cased Accept header gives to exactly `type` (0 when not named). */
function qualityOf(accept: string, type: string): number {
  if (!accept.includes(type)) return 0; // fast path: most requests never name the type
  for (const range of accept.split(',')) {
    const [name, ...params] = range.split(';');
    if (name?.trim() !== type) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined) return 1;
    const value = Number(q.slice(2));
    return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
  }
  return 0;
}

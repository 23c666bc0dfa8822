import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { DOCS_PATH } from './docs.ts';
import type { HttpEnv } from './env.ts';
import { requestIsHttps, secureCookies, secureSetCookies, type TransportPolicy } from './transport.ts';
import { inlineStyleSources } from './views/inline-style.tsx';

/** One year, the minimum the HSTS preload list asks for. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The browser-facing protections of every answer, set once for the platform (OWASP's HTTP
 * Headers cheat sheet), on the runner and on Lambda alike:
 * - a Content-Security-Policy the pages really satisfy: scripts only from our origin (htmx and
 *   the docs are served locally), styles from our origin or inline by hash (inline-style.tsx),
 *   images from any web origin (product pictures by URL),
 *   no plugins, no framing, forms and `<base>` only to our origin. The docs page alone allows
 *   inline style attributes: Swagger UI sets them from script;
 * - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, a Referrer-Policy that keeps
 *   paths on our own origin, Cross-Origin-Opener/Resource-Policy (`same-origin` unless the answer
 *   says otherwise, as a picture meant for other origins does);
 * - HSTS when the request came over https or in production (browsers ignore it over http);
 * - `Cache-Control: no-store` on every answer that does not say otherwise: API answers and
 *   signed-in pages must not sit in a shared or back-button cache; assets set their own;
 * - cookies Secure and `__Host-` prefixed over https and in production (transport.ts).
 *
 * @example
 *   app.use('*', securityHeaders({ trustedProxyHops: 1, production: true }));
 */
export function securityHeaders(policy: TransportPolicy): MiddlewareHandler<HttpEnv> {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", (c: Context) => styleSources(c)],
      // Images may come from anywhere on the web: the catalog shows product pictures by URL (set by
      // an admin). An image cannot run script; the Referrer-Policy sends such hosts our origin only.
      imgSrc: ["'self'", 'data:', 'https:', 'http:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    // Set below, unless the answer set its own (a picture meant to be shown on other sites).
    crossOriginResourcePolicy: false,
    referrerPolicy: 'strict-origin-when-cross-origin',
    // Decided per request below: over https, or always in production.
    strictTransportSecurity: false,
  });
  return async function securityHeadersMiddleware(c, next) {
    await headers(c, async () => {
      await next();
      if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
      if (!c.res.headers.has('cross-origin-resource-policy')) {
        c.res.headers.set('cross-origin-resource-policy', 'same-origin');
      }
      if (policy.production || requestIsHttps(c, policy.trustedProxyHops)) {
        c.res.headers.set('strict-transport-security', HSTS);
      }
    });
    // In place: assigning c.res would make Hono copy the old Set-Cookie headers back.
    if (secureCookies(c, policy)) secureSetCookies(c.res.headers);
  };
}

function styleSources(c: Context): string {
  const onDocs = c.req.path === DOCS_PATH || c.req.path.startsWith(`${DOCS_PATH}/`);
  return (onDocs ? ["'unsafe-inline'"] : inlineStyleSources()).join(' ');
}

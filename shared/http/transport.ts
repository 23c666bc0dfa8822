import type { Context } from 'hono';

/**
 * How a request reached us, and what that means for the cookies we set. One place decides, so
 * the session cookie, the flash cookie, HSTS and whatever cookie comes next agree.
 */
export interface TransportPolicy {
  /** Proxies that append to X-Forwarded-* (TRUSTED_PROXY_HOPS): only their word is taken. */
  trustedProxyHops: number;
  /** NODE_ENV=production: cookies are Secure whatever the request says (the site must be https). */
  production: boolean;
}

/**
 * True when the client spoke https to us: the connection itself (the runner behind no proxy, or
 * Lambda, whose adapter sees API Gateway's https URL), or X-Forwarded-Proto as written by a
 * trusted proxy. Without trusted hops the header is the client's own claim and is ignored.
 *
 * @example
 *   requestIsHttps(c, 1); // behind one load balancer that sets X-Forwarded-Proto
 */
export function requestIsHttps(c: Context, trustedProxyHops: number): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (trustedProxyHops <= 0) return false;
  const protos = (c.req.header('x-forwarded-proto') ?? '').split(',').map((p) => p.trim().toLowerCase());
  // A proxy that appends writes the right-most entries; one that overwrites leaves a single one.
  return (protos[protos.length - trustedProxyHops] ?? protos.at(-1)) === 'https';
}

/** Whether this request's cookies must be Secure (and so can carry the `__Host-` prefix). */
export function secureCookies(c: Context, policy: TransportPolicy): boolean {
  return policy.production || requestIsHttps(c, policy.trustedProxyHops);
}

/**
 * A cookie's name as set and read: `__Host-<name>` when Secure, which browsers accept only from a
 * secure origin, with `Path=/` and no `Domain`, so a sibling subdomain or a plain-http page cannot
 * plant or overwrite it. Over plain http (development) the bare name, which browsers would otherwise
 * reject.
 *
 * @example
 *   cookieName('sid', true); // '__Host-sid'
 */
export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

/**
 * Make a response's `Set-Cookie` headers Secure and `__Host-` prefixed (in place). Our cookies are
 * host-only with `Path=/` by construction; one that is not only gets `Secure`.
 */
export function secureSetCookies(headers: Headers): void {
  const cookies = headers.getSetCookie();
  if (cookies.length === 0) return;
  headers.delete('set-cookie');
  for (const cookie of cookies) headers.append('set-cookie', secureCookie(cookie));
}

function secureCookie(cookie: string): string {
  const attributes = cookie.split(';').map((part) => part.trim().toLowerCase());
  const hostOnlyRoot = attributes.includes('path=/') && !attributes.some((a) => a.startsWith('domain='));
  let result = cookie;
  if (!attributes.includes('secure')) result += '; Secure';
  if (hostOnlyRoot && !cookie.startsWith('__Host-')) result = `__Host-${result}`;
  return result;
}

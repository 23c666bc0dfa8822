import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { generateCookie, generateSignedCookie, getSignedCookie } from 'hono/cookie';
import type { AuthServices } from '../auth/services.ts';
import type { Session } from '../auth/sessions.ts';
import { crossSiteBrowserRequest, sameOrigin, tokensMatch } from '../auth/csrf.ts';
import type { Access, AuthUser } from '../contract/http.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { cookieName, secureCookies } from './transport.ts';
import { isFormContentType } from './wants-html.ts';

/** The session cookie's name over plain http; `__Host-sid` over https and in production (transport.ts). */
export const SESSION_COOKIE = 'sid';
/** The signed CSRF token of a visitor with no session (the sign-in and sign-up forms); `__Host-csrf` when Secure. */
export const ANONYMOUS_CSRF_COOKIE = 'csrf';
/** How long a form rendered for an anonymous visitor stays postable. */
const ANONYMOUS_CSRF_MAX_AGE_S = 2 * 3600;
/** Where a session's CSRF token may travel besides a form field. */
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One request's identity and the cookie changes it asks for, applied to the handler's response. */
export interface RequestAuth {
  readonly user: AuthUser | undefined;
  /** What proved it: a bearer token, a session cookie, or nothing. */
  readonly via: 'token' | 'session' | 'none';
  /**
   * The CSRF token an unsafe request must carry: its session's, or for a visitor with no session
   * the one of its signed anonymous CSRF cookie; undefined when it has neither.
   */
  readonly expectedCsrfToken: string | undefined;
  csrfToken(): Promise<string>;
  signIn(user: AuthUser): Promise<void>;
  signOut(): Promise<void>;
  /** `Set-Cookie` values to add to the response. */
  readonly setCookies: string[];
}

/**
 * Who is calling:
 * 1. `Authorization: Bearer <jwt>`: an API call. A bad token is 401 whatever the route, so a
 *    client learns its token expired instead of silently getting public data.
 * 2. Else the signed session cookie: a browser. Its user is looked up, so a role change or a
 *    deleted account takes effect at once.
 * Both carry the user's auth version from when they were issued: once the user's has moved on (a
 * role or password change, "sign out everywhere"), the token is a 401 and the session is over.
 * A visitor with neither gets no session row: the forms they see (sign in, sign up) carry a
 * token from a signed cookie instead (OWASP's signed double-submit cookie), so reading a page
 * stores nothing. Then `assertAccess` and `assertCsrf` decide whether the request may go on.
 */
export async function authenticateRequest(c: Context, services: AuthServices): Promise<RequestAuth> {
  const { users, sessions, tokens } = services;
  const setCookies: string[] = [];
  const secure = secureCookies(c, services.transport);
  const sessionCookie = cookieName(SESSION_COOKIE, secure);
  const csrfCookie = cookieName(ANONYMOUS_CSRF_COOKIE, secure);
  const bearer = bearerToken(c.req.header('authorization'));
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'Lax' as const,
    maxAge: services.sessionMaxAgeSeconds,
  };
  const setSession = async (token: string) => {
    setCookies.push(await generateSignedCookie(sessionCookie, token, services.sessionSecret, cookieOptions));
  };
  const clearCookie = (name: string) =>
    setCookies.push(generateCookie(name, '', { ...cookieOptions, maxAge: 0 }));

  let session: Session | undefined;
  let sessionToken: string | undefined;
  let user: AuthUser | undefined;
  if (bearer !== undefined) {
    const verified = await tokens.verify(bearer);
    const account = await users.byId(verified.userId);
    if (!account) throw new UnauthorizedError('the account of this token no longer exists');
    if (account.authVersion !== verified.authVersion) {
      throw new UnauthorizedError(
        'this token was revoked (role or password changed, or signed out everywhere): sign in again',
      );
    }
    user = toAuthUser(account);
  } else {
    const cookie = await getSignedCookie(c, services.sessionSecret, sessionCookie);
    if (typeof cookie === 'string') {
      session = await sessions.get(cookie);
      const account = session && (await users.byId(session.userId));
      if (session && account?.authVersion === session.authVersion) {
        sessionToken = cookie;
        user = toAuthUser(account);
      } else if (session) {
        // Issued before the account's last role or password change: over, here and now.
        await sessions.destroy(cookie);
        session = undefined;
        clearCookie(sessionCookie);
      }
    }
  }
  let anonymousCsrf =
    session === undefined && bearer === undefined
      ? await getSignedCookie(c, services.sessionSecret, csrfCookie).then((v) =>
          typeof v === 'string' ? v : undefined,
        )
      : undefined;

  return {
    get user() {
      return user;
    },
    via: bearer !== undefined ? 'token' : session ? 'session' : 'none',
    get expectedCsrfToken() {
      return session?.csrfToken ?? anonymousCsrf;
    },
    setCookies,
    async csrfToken() {
      if (session) return session.csrfToken;
      if (anonymousCsrf === undefined) {
        anonymousCsrf = randomBytes(32).toString('base64url');
        setCookies.push(
          await generateSignedCookie(csrfCookie, anonymousCsrf, services.sessionSecret, {
            ...cookieOptions,
            maxAge: ANONYMOUS_CSRF_MAX_AGE_S,
          }),
        );
      }
      return anonymousCsrf;
    },
    async signIn(next) {
      // A new id at every sign-in: a session id planted before login (fixation) is worth nothing after.
      const rotated = await sessions.rotate(sessionToken, next.id);
      session = rotated.session;
      sessionToken = rotated.token;
      user = next;
      await setSession(rotated.token);
      if (anonymousCsrf !== undefined) clearCookie(csrfCookie);
      anonymousCsrf = undefined;
    },
    async signOut() {
      if (sessionToken) await sessions.destroy(sessionToken);
      session = undefined;
      sessionToken = undefined;
      user = undefined;
      clearCookie(sessionCookie);
    },
  };
}

/** The route's rule: 401 without a user, 403 with the wrong role. */
export function assertAccess(user: AuthUser | undefined, access: Access): void {
  if (access !== 'public' && !user) throw new UnauthorizedError('sign in to continue');
  if (access === 'admin' && user?.role !== 'admin') throw new ForbiddenError('this needs an admin account');
}

/**
 * CSRF, for unsafe methods not authenticated by a bearer token: the request must carry the CSRF
 * token of its session, or for a visitor with no session the one of its signed anonymous CSRF
 * cookie (form field `_csrf` or header `x-csrf-token`), and come from our origin. A browser form
 * post with neither is refused too: every form we render sets one, so such a post was forged or is
 * stale (this is what protects the sign-in form itself). JSON calls without credentials pass: a
 * cross-site page cannot send them without CORS.
 */
export async function assertCsrf(
  c: Context,
  auth: RequestAuth,
  services: AuthServices,
  options: { headerOnly?: boolean } = {},
): Promise<void> {
  if (auth.via === 'token' || !UNSAFE_METHODS.has(c.req.method)) return;
  const contentType = c.req.header('content-type') ?? null;
  const expected = auth.expectedCsrfToken;
  if (expected === undefined) {
    if (isFormContentType(contentType)) {
      throw new ForbiddenError('no session for this form: reload the page and try again');
    }
    return;
  }
  // The origin first: a request from another site is refused as such, whatever token it carries.
  if (!sameOrigin(c.req.raw.headers, new URL(c.req.url), services.allowedOrigins)) {
    throw new ForbiddenError('cross-origin request refused');
  }
  const given =
    c.req.header(CSRF_HEADER) ??
    (options.headerOnly ? undefined : await formField(c, contentType, CSRF_FIELD));
  if (!tokensMatch(expected, given)) {
    // An API call that a browser's session cookie signed in (the docs page's try-it-out, a script
    // run in the browser): what it lacks is a bearer token, not a reload.
    throw new ForbiddenError(
      isFormContentType(contentType) || given !== undefined
        ? 'missing or invalid CSRF token: reload the page and try again'
        : 'this call is signed in by a browser session and carries no CSRF token: send a bearer token ' +
            '(Authorize on /docs, or POST /api/auth/login) or the page’s x-csrf-token header',
    );
  }
}

/**
 * For routes that take no cookie (`csrf: false`): refuse a cross-site request that a browser was
 * made to send (a form on another site posting to the token endpoint); clients that are not
 * browsers send no Origin or Sec-Fetch-Site and pass.
 */
export function assertNotCrossSite(c: Context, services: AuthServices): void {
  if (!UNSAFE_METHODS.has(c.req.method)) return;
  if (crossSiteBrowserRequest(c.req.raw.headers, new URL(c.req.url), services.allowedOrigins)) {
    throw new ForbiddenError(
      'cross-site request refused: call this API from your own origin or a non-browser client',
    );
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (header !== undefined && !match) throw new UnauthorizedError('Authorization must be "Bearer <token>"');
  return match?.[1];
}

function toAuthUser(user: { id: string; email: string; role: AuthUser['role'] } | undefined) {
  return user ? { id: user.id, email: user.email, role: user.role } : undefined;
}

/** A field of a form body (Hono caches the parsed body, so the route's input reader parses it once). */
async function formField(c: Context, contentType: string | null, name: string): Promise<string | undefined> {
  if (!isFormContentType(contentType)) return undefined;
  // `all`, as the route's input reader asks: Hono caches the form, not this conversion of it.
  const form = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>);
  const value = [form[name]].flat()[0];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The client's address. Behind `trustedHops` proxies that each append to X-Forwarded-For, it is the
 * entry that many from the right: entries further left were written by the client and prove
 * nothing. Without trusted proxies the header is ignored and the peer's address is used.
 *
 * On Lambda the peer is the address API Gateway (or the function URL) saw, from the event's
 * `requestContext`, which the caller cannot forge; API Gateway also appends it to
 * X-Forwarded-For, so that last entry is the peer itself, not a hop of a proxy in front.
 */
export function clientIpOf(c: Context, trustedHops: number): string | undefined {
  const peer = peerAddress(c);
  if (trustedHops > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim());
    if (peer.fromGateway && hops.at(-1) === peer.address) hops.pop();
    const client = hops[hops.length - trustedHops];
    if (client) return client;
  }
  return peer.address;
}

interface LambdaRequestContext {
  http?: { sourceIp?: string };
  identity?: { sourceIp?: string | null };
}

/** The other end of the connection: the socket's address, or on Lambda, what API Gateway saw. */
function peerAddress(c: Context): { address: string | undefined; fromGateway: boolean } {
  const env = c.env as
    { incoming?: { socket?: { remoteAddress?: string } }; requestContext?: LambdaRequestContext } | undefined;
  const gateway = env?.requestContext?.http?.sourceIp ?? env?.requestContext?.identity?.sourceIp;
  if (gateway) return { address: gateway, fromGateway: true };
  return { address: env?.incoming?.socket?.remoteAddress, fromGateway: false };
}

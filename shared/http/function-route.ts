import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import type { HttpCtx } from '../contract/context.ts';
import type { HttpCtxRequest } from '../runtime/contexts.ts';
import type { FlashMessage, HttpDefinition, HttpRequest } from '../contract/http.ts';
import { mountPath, type FunctionEntry } from '../runtime/manifest.ts';
import type { HttpEnv } from './env.ts';
import { bufferedBodyLimit, limitedBody, streamedBodyLimit } from './body-stream.ts';
import { CLEAR_FLASH_SET_COOKIE, decodeFlash, FLASH_COOKIE, setsFlashCookie } from './flash.ts';
import { createInputReader, type RequestInput } from './input.ts';
import type { AuthServices } from '../auth/services.ts';
import { loadConfig, type Config } from '../config.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import {
  assertAccess,
  assertCsrf,
  assertNotCrossSite,
  authenticateRequest,
  clientIpOf,
  type RequestAuth,
} from './request-auth.ts';
import { cookieName, secureCookies } from './transport.ts';
import { withHeader } from './response-headers.ts';
import { redirect } from './responses.ts';
import { isHtmx, wantsHtml } from './wants-html.ts';

/** Largest request body a function accepts unless it says otherwise (`maxBodyBytes`): 413 beyond. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type MakeHttpCtx = (request: HttpCtxRequest) => HttpCtx;

export interface FunctionRouteOptions {
  makeCtx: MakeHttpCtx;
  log: Logger;
  /** Identity, access rules, CSRF and session cookies (shared/auth). */
  auth: AuthServices;
  /** This deployment's configuration, for settings a route takes from it (`maxBodyBytes`). */
  config?: Config | undefined;
}

/** Where a browser is sent when a page needs a signed-in user (or another role). */
export const LOGIN_PAGE = '/auth/login';

/**
 * The Hono handlers that serve one HTTP function: (body limit), then authenticate and check the
 * route's access rule and CSRF, validate input, build the request and `ctx`, run the handler, and
 * add the session cookie changes to its response. Errors are thrown on to `app.onError`, except
 * that a browser page refused for want of a (suitable) user is redirected to the login page.
 *
 * @example
 *   app.on(entry.definition.method, mountPath(entry), ...functionRoute(entry, { makeCtx, log }));
 */
export function functionRoute(
  entry: FunctionEntry<HttpDefinition>,
  options: FunctionRouteOptions,
): MiddlewareHandler<HttpEnv>[] {
  const { definition } = entry;
  const route = mountPath(entry);
  const readInput = createInputReader(definition);
  const maxBodyBytes = bodyLimitOf(entry, options.config);

  const handle: MiddlewareHandler<HttpEnv> = async function handleFunction(c) {
    const correlationId = c.get('correlationId');
    const log = options.log.child({ correlationId, route, function: entry.id });
    c.set('log', log);
    const auth = await authenticateRequest(c, options.auth);
    try {
      assertAccess(auth.user, definition.auth ?? 'public');
    } catch (err) {
      if (
        wantsHtml(c.req.raw.headers) &&
        (err instanceof UnauthorizedError || err instanceof ForbiddenError)
      ) {
        return loginRedirect(c, err);
      }
      throw err;
    }
    if (definition.csrf === false) assertNotCrossSite(c, options.auth);
    // A streamed body is the handler's to read: the token comes in the header, never from the form.
    else await assertCsrf(c, auth, options.auth, { headerOnly: definition.streamBody === true });
    const input = await readInput(c.req);
    const flash = new FlashState(
      getCookie(c, cookieName(FLASH_COOKIE, secureCookies(c, options.auth.transport))),
    );
    const request = buildRequest(c, input, correlationId, flash, auth, {
      trustedProxyHops: options.auth.transport.trustedProxyHops,
      streamBodyLimit: definition.streamBody ? maxBodyBytes : undefined,
    });
    let response = await definition.handler(
      request,
      options.makeCtx({ correlationId, log, user: auth.user }),
    );
    for (const cookie of auth.setCookies) response = withHeader(response, 'set-cookie', cookie, 'append');
    return flash.needsClearing(response)
      ? withHeader(response, 'set-cookie', CLEAR_FLASH_SET_COOKIE, 'append')
      : response;
  };

  // Every unsafe route, with a body schema or not: the CSRF check may read a form body too.
  if (definition.method === 'GET') return [handle];
  if (definition.streamBody) return [streamedBodyLimit(maxBodyBytes), handle];
  return [bufferedBodyLimit(maxBodyBytes), handle];
}

function bodyLimitOf(entry: FunctionEntry<HttpDefinition>, config: Config | undefined): number {
  const limit = entry.definition.maxBodyBytes ?? MAX_BODY_BYTES;
  if (typeof limit === 'number') return limit;
  // An app built without a config (some tests) gets the limit of the default configuration.
  return limit(config ?? loadConfig({}));
}

/**
 * Flash messages are consumed when the handler reads them: only then is the cookie cleared.
 * A request that does not render them (an htmx fragment, an API call made by the page) leaves
 * them for the page that does.
 */
class FlashState {
  readonly #cookie: string | undefined;
  #messages: FlashMessage[] | undefined;
  #read = false;

  constructor(cookie: string | undefined) {
    this.#cookie = cookie;
  }

  read(): FlashMessage[] {
    this.#read = true;
    return (this.#messages ??= decodeFlash(this.#cookie));
  }

  /** Clear when read and present, unless the response sets a new flash (a redirect after a post). */
  needsClearing(response: Response): boolean {
    return this.#read && this.#cookie !== undefined && !setsFlashCookie(response.headers);
  }
}

type AnyHttpRequest = HttpRequest<unknown, unknown, unknown>;

/** The handler's request; parts most handlers never look at are computed on first use. */
function buildRequest(
  c: Context,
  input: RequestInput,
  correlationId: string,
  flash: FlashState,
  auth: RequestAuth,
  options: { trustedProxyHops: number; streamBodyLimit: number | undefined },
): AnyHttpRequest {
  const raw = c.req.raw;
  const { streamBodyLimit } = options;
  let url: URL | undefined;
  let html: boolean | undefined;
  return {
    params: input.params,
    query: input.query,
    body: input.body,
    headers: raw.headers,
    correlationId,
    get url() {
      return (url ??= new URL(raw.url));
    },
    get wantsHtml() {
      return (html ??= wantsHtml(raw.headers));
    },
    htmx: isHtmx(raw.headers),
    get flash() {
      return flash.read();
    },
    get user() {
      return auth.user;
    },
    clientIp: clientIpOf(c, options.trustedProxyHops),
    bodyStream() {
      if (streamBodyLimit === undefined) {
        throw new Error('req.bodyStream() is only for routes defined with streamBody: true');
      }
      return limitedBody(c, streamBodyLimit);
    },
    csrfToken: () => auth.csrfToken(),
    signIn: (user) => auth.signIn(user),
    signOut: () => auth.signOut(),
  };
}

/** A page the visitor may not see yet: to the login page, back here afterwards, with the reason. */
function loginRedirect(c: Context, err: Error): Response {
  const url = new URL(c.req.url);
  // Not back for a signed-in visitor with the wrong role (403): the login page sends a signed-in
  // visitor on to `next`, which would be this page again, in a loop. They land on the default page.
  const back =
    c.req.method === 'GET' && err instanceof UnauthorizedError ? url.pathname + url.search : undefined;
  const location = back ? `${LOGIN_PAGE}?next=${encodeURIComponent(back)}` : LOGIN_PAGE;
  const message = err instanceof ForbiddenError ? 'That needs an admin account.' : 'Please sign in first.';
  const htmx = htmxPage(c);
  if (htmx !== undefined) {
    // An htmx request (a fragment, a form posted in the background) would swap the sign-in page
    // into a card. The whole browser goes to sign in instead, and comes back to the page it was on.
    const next =
      err instanceof UnauthorizedError ? `${LOGIN_PAGE}?next=${encodeURIComponent(htmx)}` : LOGIN_PAGE;
    // 200, not a 3xx: the browser's XHR would follow a redirect itself and htmx never see the header.
    const headers = new Headers(redirect(next, { flash: { type: 'error', message } }).headers);
    headers.delete('location');
    headers.set('hx-redirect', next);
    return new Response(null, { status: 200, headers });
  }
  return redirect(location, { flash: { type: 'error', message } });
}

/** The path of the page an htmx request was made from (HX-Current-URL), or undefined for other requests. */
function htmxPage(c: Context): string | undefined {
  if (!isHtmx(c.req.raw.headers)) return undefined;
  const current = c.req.header('hx-current-url');
  try {
    const page = new URL(current ?? '', c.req.url);
    return page.origin === new URL(c.req.url).origin ? page.pathname + page.search : '/';
  } catch {
    return '/';
  }
}

import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { HttpCtx } from './context.ts';
import { lambdaSize, type LambdaOptions } from './lambda.ts';
import { routePathProblem } from './route-path.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FlashMessage {
  type: 'success' | 'error' | 'info';
  message: string;
}

/** Who made the request: from a bearer token (API) or the session cookie (pages). */
export interface AuthUser {
  id: string;
  email: string;
  role: 'user' | 'admin';
}

/**
 * Who may call a function. `public`: anyone. `user`: any signed-in user. `admin`: admins only.
 * Refused requests get 401 (not signed in) or 403 (wrong role): JSON for API calls, a redirect to
 * the login page for browser pages.
 */
export type Access = 'public' | 'user' | 'admin';

export const ACCESS_LEVELS: readonly Access[] = ['public', 'user', 'admin'];

/** Who `req.user` is on a route with access `A`: always someone, unless the route is public. */
export type UserOf<A extends Access> = A extends 'public' ? AuthUser | undefined : AuthUser;

/** What an HTTP handler receives: validated input plus the raw request for anything else. */
export interface HttpRequest<Params, Query, Body, A extends Access = Access> {
  params: Params;
  query: Query;
  body: Body;
  headers: Headers;
  url: URL;
  /** True for a browser form post / page navigation, false for an API call (JSON). */
  wantsHtml: boolean;
  /** True for a request htmx made (a fragment to swap in), false for navigations and plain posts. */
  htmx: boolean;
  /** Flash messages left by the previous redirect; reading them consumes them. */
  flash: FlashMessage[];
  correlationId: string;
  /** The signed-in user: always there on a route that is not public, perhaps there on a public one. */
  user: UserOf<A>;
  /** The client's address (the first X-Forwarded-For hop behind a proxy or API Gateway). */
  clientIp: string | undefined;
  /**
   * The body as a stream, never held whole (uploads), on a route defined with `streamBody: true`;
   * it errors with a 413 PayloadTooLargeError once it passes the route's `maxBodyBytes`.
   */
  bodyStream(): ReadableStream<Uint8Array>;
  /**
   * The CSRF token of the browser's session, for forms (`<input type="hidden" name="_csrf">`) and
   * htmx (`hx-headers='{"x-csrf-token": "..."}'`). Starts an anonymous session when there is none.
   * Every state-changing request that a session cookie authenticates must carry it.
   */
  csrfToken(): Promise<string>;
  /** Pages: sign `user` in on this browser: a new session id (the old session ends), set on the response. */
  signIn(user: AuthUser): Promise<void>;
  /** Pages: end this browser's session and clear its cookie. */
  signOut(): Promise<void>;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface HttpDefinition<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  A extends Access = Access,
> {
  type: 'http';
  method: HttpMethod;
  /** Path relative to the app's mount point (`/gradcafe`); Hono syntax for params (`/jobs/:id`). */
  path: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Response schemas by status, for the OpenAPI document. */
  responses?: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Leave the route out of the OpenAPI document (pages, assets). */
  hidden?: boolean;
  /**
   * Serve the route only where this holds for the configuration (an emulator's routes only where
   * the emulator is the configured source). Elsewhere it is not mounted: 404, and not documented.
   */
  enabled?: (config: Config) => boolean;
  /**
   * Who may call it. Required, so that a route open to anyone says so (`'public'`) rather than
   * being open by omission.
   */
  auth: A;
  /**
   * `false` turns the session CSRF check off. Only for a route that neither trusts nor sets the
   * session cookie, such as the OAuth2 token endpoint: its form post carries the credentials
   * itself. A browser's cross-site request to it is still refused (Origin / Sec-Fetch-Site);
   * clients that are not browsers pass.
   */
  csrf?: false;
  /** Largest request body this route accepts (default 1 MiB), or a setting of the config; larger ones get 413. */
  maxBodyBytes?: number | ((config: Config) => number);
  /**
   * The handler reads the body itself with `req.bodyStream()` (an upload), instead of a parsed
   * `body`: nothing is buffered. A browser session's CSRF token must then come in the
   * x-csrf-token header (htmx sends it), since the form is not parsed before the handler.
   */
  streamBody?: true;
  /**
   * Size of this function's Lambda (the SAM template reads it). Defaults: 512 MB, 29 s; the
   * timeout may be at most 30 s, where API Gateway's HTTP API stops waiting for an answer.
   */
  lambda?: LambdaOptions;
  handler(req: HttpRequest<Infer<P>, Infer<Q>, Infer<B>, A>, ctx: HttpCtx): Promise<Response> | Response;
}

/**
 * Declare an HTTP function. Input is validated before the handler runs; invalid input is
 * answered with 400 and a JSON error naming the fields. `auth` is checked first: on a route that
 * is not public, the handler only ever sees a signed-in user of the right role.
 *
 * The definition itself is checked here, so a mistake fails when the module loads with a
 * TypeError naming the route: `auth`, the path (routePathProblem: a leading `/`, plain `:name`
 * params, no query string) and the Lambda size.
 *
 * @example
 *   export default defineHttp({
 *     method: 'GET', path: '/hello', summary: 'Say hello', auth: 'public',
 *     query: z.object({ name: z.string().max(50).default('world') }),
 *     handler: ({ query }) => json({ hello: query.name }),
 *   });
 */
export function defineHttp<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  A extends Access = Access,
>(definition: Omit<HttpDefinition<P, Q, B, A>, 'type'>): HttpDefinition<P, Q, B, A> {
  const owner = `defineHttp ${definition.method} ${definition.path}`;
  // Also at run time: a JavaScript caller or a cast must not get an open route by leaving it out.
  if (!ACCESS_LEVELS.includes(definition.auth)) {
    throw new TypeError(
      `${owner}: auth must be one of ${ACCESS_LEVELS.join(', ')} ` +
        `(got ${String(definition.auth)}); write auth: 'public' for a route anyone may call`,
    );
  }
  const pathProblem = routePathProblem(definition.path);
  if (pathProblem) throw new TypeError(`${owner}: ${pathProblem}`);
  lambdaSize('http', definition.lambda, owner);
  return { type: 'http', ...definition };
}

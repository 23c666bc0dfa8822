import { Hono } from 'hono';
import type { AuthServices } from '../auth/services.ts';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { mountPath, type Manifest } from '../runtime/manifest.ts';
import type { HttpEnv } from './env.ts';
import { errorResponse, forBrowsers, methodNotAllowedResponse, notFoundResponse } from './errors.ts';
import { functionRoute, type MakeHttpCtx } from './function-route.ts';
import type { OpenApiInfo } from './openapi.ts';
import { observeRequests } from './observe.ts';
import { metricsAccessOf, registerPlatformRoutes } from './platform-routes.ts';
import { securityHeaders } from './security-headers.ts';
import type { TransportPolicy } from './transport.ts';
import { VERSION } from '../version.ts';
import { allowsGeneratedSecrets, type Config } from '../config.ts';

export type HttpApp = Hono<HttpEnv>;

export interface HttpAppOptions {
  manifest: Manifest;
  /** Build the `ctx` of one request; the runner passes `platform.httpCtx`. */
  makeCtx: MakeHttpCtx;
  log: Logger;
  metrics: Metrics;
  /** Identity, access and CSRF for the functions (the runner passes `platform.auth`); needed when the manifest has any. */
  auth?: AuthServices;
  /** Routes that are neither functions nor platform routes (auth, emulators), added after them. */
  extraRoutes?: (app: HttpApp) => void;
  /** Called before `/metrics` renders, to sample gauges such as queue depth and job counts. */
  beforeMetrics?: () => Promise<void>;
  /** Title and version of the OpenAPI document. */
  info?: OpenApiInfo;
  /**
   * The deployment's settings: which functions are `enabled`, who may scrape `/metrics`
   * (METRICS_TOKEN), whether the docs are served (DOCS_ENABLED). The runner and Lambda pass theirs;
   * without it every function is served, /metrics is open and the docs are on (tests).
   */
  config?: Config;
  /**
   * Serve `/metrics`, `/openapi.json`, `/docs` and `/static/htmx.min.js` (default true). A
   * Lambda serving one function turns them off.
   */
  platformRoutes?: boolean;
}

export const DEFAULT_API_INFO: OpenApiInfo = { title: 'fnstack', version: VERSION };

/**
 * The HTTP app: every HTTP function of the manifest mounted at its path, plus platform
 * routes, with one error mapping, correlation ids, access logs and duration metrics.
 *
 * @example
 *   const app = createHttpApp({
 *     manifest, log, metrics,
 *     makeCtx: platform.httpCtx,
 *   });
 *   serve({ fetch: app.fetch, port: config.PORT });
 *   // in tests: const res = await app.request('/healthz');
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { manifest, makeCtx, log, metrics } = options;
  // Not strict about a trailing slash: `/gradcafe` and `/gradcafe/` are one page, locally and on
  // API Gateway (whose routes cannot end in `/`, so the template declares `/gradcafe`).
  const app = new Hono<HttpEnv>({ strict: false });

  // Outermost first: observation sees the final response, including 404/405 and mapped errors.
  app.use('*', observeRequests({ log, metrics }));
  app.use('*', securityHeaders(transportPolicyOf(options)));
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) =>
        forBrowsers(c.req.raw.headers, methodNotAllowedResponse(c.req.method, allowed)),
    }),
  );

  const { auth, config } = options;
  if (!auth && manifest.http.length > 0) throw new TypeError('createHttpApp: functions need `auth` services');
  // Functions disabled by this deployment's config are not there at all: not routed, not documented.
  const served: Manifest = {
    ...manifest,
    http: manifest.http.filter((entry) => !config || (entry.definition.enabled?.(config) ?? true)),
  };
  // Hono takes the first route that matches: `/users/ui` must come before `/users/:id`.
  for (const entry of literalFirst(served.http, mountPath)) {
    // Non-strict Hono matches a request with or without its trailing slash only against a route
    // declared without one.
    const route = mountPath(entry).replace(/(.)\/$/, '$1');
    app.on(entry.definition.method, [route], ...functionRoute(entry, { makeCtx, log, auth: auth!, config }));
  }
  if (options.platformRoutes ?? true) {
    registerPlatformRoutes(app, {
      manifest: served,
      metrics,
      log,
      info: options.info ?? DEFAULT_API_INFO,
      docs: config?.DOCS_ENABLED ?? true,
      metricsAccess: metricsAccessOf(config),
      ...(options.beforeMetrics ? { beforeMetrics: options.beforeMetrics } : {}),
    });
  }
  options.extraRoutes?.(app);

  app.notFound((c) => forBrowsers(c.req.raw.headers, notFoundResponse(c.req.method, c.req.path)));
  app.onError((err, c) =>
    forBrowsers(
      c.req.raw.headers,
      errorResponse(err, { correlationId: c.get('correlationId'), log: c.get('log') ?? log }),
    ),
  );
  return app;
}

/** Which proxies are believed and whether this is production: from auth, else the config, else neither. */
function transportPolicyOf(options: Pick<HttpAppOptions, 'auth' | 'config'>): TransportPolicy {
  if (options.auth) return options.auth.transport;
  const { config } = options;
  return config
    ? { trustedProxyHops: config.TRUSTED_PROXY_HOPS, production: !allowsGeneratedSecrets(config.NODE_ENV) }
    : { trustedProxyHops: 0, production: false };
}

/**
 * Routes in the order to register them: where two could match the same path, the one with a
 * literal segment where the other has a `:param` comes first (as API Gateway prefers). Sorted by
 * the kinds of their segments (literal before param), the manifest's order breaking ties.
 *
 * @example
 *   literalFirst(['/users/:id', '/users/ui'], (p) => p); // ['/users/ui', '/users/:id']
 */
export function literalFirst<T>(entries: readonly T[], pathOf: (entry: T) => string): T[] {
  const kinds = (entry: T) =>
    pathOf(entry)
      .split('/')
      .map((segment) => (segment.startsWith(':') ? 1 : 0));
  return entries
    .map((entry, index) => ({ entry, index, kinds: kinds(entry) }))
    .sort((a, b) => {
      for (let i = 0; i < Math.min(a.kinds.length, b.kinds.length); i++) {
        if (a.kinds[i] !== b.kinds[i]) return a.kinds[i]! - b.kinds[i]!;
      }
      // Lexicographic (shorter first) keeps the order total; paths of different lengths never
      // match the same request anyway.
      return a.kinds.length - b.kinds.length || a.index - b.index;
    })
    .map(({ entry }) => entry);
}

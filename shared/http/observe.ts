import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation.ts';
import type { HttpEnv } from './env.ts';
import { errorResponse } from './errors.ts';
import { withHeader } from './response-headers.ts';
import { contextFrom, inSpan, SpanKind, SpanStatusCode } from '../observability/tracing.ts';

/** Route label for requests no route matched; keeps metric cardinality bounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Probes and scrapes arrive every few seconds; their access lines would drown the rest at info. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Outermost middleware: gives each request a correlation id (echoed as `x-correlation-id`),
 * then records one access log line and one `http_request_duration_seconds` observation,
 * labelled with the route PATTERN (`/jobs/:id`), never the raw URL.
 *
 * @example
 *   app.use('*', observeRequests({ log, metrics }));
 */
export function observeRequests(options: { log: Logger; metrics: Metrics }): MiddlewareHandler<HttpEnv> {
  const { log, metrics } = options;
  return function observeRequests(c, next) {
    // One span per request, continuing the caller's trace (`traceparent`); a no-op unless tracing is on.
    const parent = contextFrom(c.req.header('traceparent'));
    return inSpan(`${c.req.method}`, { kind: SpanKind.SERVER, parent }, async (span) => {
      const started = performance.now();
      const correlationId = correlationIdFrom(c.req.raw.headers);
      c.set('correlationId', correlationId);
      try {
        await next();
      } catch (err) {
        // Hono hands thrown Errors to app.onError; only non-Error throws get here.
        c.res = errorResponse(err, { correlationId, log: c.get('log') ?? log });
      }
      const response = withHeader(c.res, CORRELATION_HEADER, correlationId);
      if (response !== c.res) c.res = response;

      const route = routePattern(c);
      const status = c.res.status;
      const seconds = (performance.now() - started) / 1000;
      metrics.httpDuration.observe({ method: c.req.method, route, status: String(status) }, seconds);
      span.updateName(`${c.req.method} ${route}`);
      span.setAttributes({
        'http.request.method': c.req.method,
        'http.route': route,
        'http.response.status_code': status,
        'fnstack.correlation_id': correlationId,
      });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      const line = { correlationId, method: c.req.method, route, status, durationMs: round(seconds * 1000) };
      if (QUIET_ROUTES.has(route)) log.debug(line, 'request');
      else log.info(line, 'request');
    });
  };
}

/**
 * The pattern of the route that answered. Hono matches every route for a path up front; the
 * first one from the responding index that is not a wildcard middleware (`app.use('*')`) is
 * the endpoint. A request only middleware matched was not routed at all.
 */
export function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = c.req.routeIndex; i < routes.length; i++) {
    const route = routes[i]!;
    if (!(route.method === 'ALL' && route.path.endsWith('*'))) return route.path;
  }
  return UNMATCHED_ROUTE;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

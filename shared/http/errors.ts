import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { AppError, ServiceBusyError, TooManyRequestsError } from '../errors.ts';
import { html, json } from './responses.ts';
import { ErrorPage } from './views/error-page.tsx';
import { acceptsHtml, isHtmx } from './wants-html.ts';

/**
 * The one place where an error becomes an HTTP response.
 *
 * Rule (as in middy): a message is shown to the client only when the status is below 500.
 * A 5xx answers with a generic message and the correlation id, and its stack goes to the log,
 * so internals (SQL, hostnames, stack traces) never leak while support can still find the cause.
 */

/** The request body is not valid JSON although its content type says it is. */
export class MalformedJsonError extends AppError {
  readonly code = 'MALFORMED_JSON';
  readonly status = 400;
}

/** The request body could not be read as the form its content type announces. */
export class MalformedFormError extends AppError {
  readonly code = 'MALFORMED_FORM';
  readonly status = 400;
}

/** The request has a body in a media type the route does not read (only JSON and forms are). */
export class UnsupportedMediaTypeError extends AppError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}

export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; correlationId?: string };
}

/** Stable codes for statuses raised by Hono itself (HTTPException), e.g. from auth middleware. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

const GENERIC_MESSAGE: Record<number, string> = {
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/**
 * Map any thrown value to a JSON error response, logging what the client does not see.
 *
 * @example
 *   app.onError((err, c) => errorResponse(err, { correlationId: c.get('correlationId'), log }));
 */
export function errorResponse(err: unknown, context: { correlationId: string; log: Logger }): Response {
  const { correlationId, log } = context;
  if (err instanceof AppError) {
    const response = fromStatus(err.status, err.code, err.message, err.details, err, context);
    // Throttled (429) or shedding load (503): say when to come back.
    if (err instanceof TooManyRequestsError || err instanceof ServiceBusyError) {
      response.headers.set('retry-after', String(err.retryAfterSeconds));
    }
    // The rest of a body too large was never read: the connection cannot carry another request.
    if (err.status === 413) response.headers.set('connection', 'close');
    return response;
  }
  if (err instanceof HTTPException) {
    const code = CODE_BY_STATUS[err.status] ?? `HTTP_${err.status}`;
    return fromStatus(err.status, code, err.message || code, undefined, err, context);
  }
  log.error({ err, correlationId }, 'unhandled error in request');
  return json(errorBody('INTERNAL', 'Internal server error', { correlationId }), 500);
}

function fromStatus(
  status: number,
  code: string,
  message: string,
  details: unknown,
  err: unknown,
  { correlationId, log }: { correlationId: string; log: Logger },
): Response {
  if (status < 500) {
    log.debug({ code, message }, 'request rejected');
    return json(errorBody(code, message, details === undefined ? {} : { details }), status);
  }
  log.error({ err, correlationId, code }, 'request failed');
  const generic = GENERIC_MESSAGE[status] ?? 'Internal server error';
  return json(errorBody(code, generic, { correlationId }), status);
}

export function errorBody(
  code: string,
  message: string,
  extra: { details?: unknown; correlationId?: string } = {},
): ErrorBody {
  return { error: { code, message, ...extra } };
}

export function notFoundResponse(method: string, path: string): Response {
  // Paths are attacker-chosen: cap what is echoed back.
  return json(errorBody('NOT_FOUND', `No route for ${method} ${path.slice(0, 200)}`), 404);
}

export function methodNotAllowedResponse(method: string, allowed: string[]): Response {
  const message = `${method} is not allowed here; use ${allowed.join(', ')}`;
  return json(errorBody('METHOD_NOT_ALLOWED', message), 405, { allow: allowed.join(', ') });
}

/**
 * An error answer as a browser that navigated to it should see it: the platform's error page
 * (same status and headers, e.g. Retry-After) when the request asked for HTML by itself (`Accept:
 * text/html`), the JSON body otherwise: API clients, and htmx, which does not swap error answers.
 *
 * @example
 *   app.notFound((c) => forBrowsers(c.req.raw.headers, notFoundResponse(c.req.method, c.req.path)));
 */
export async function forBrowsers(request: Headers, response: Response): Promise<Response> {
  if (isHtmx(request) || !acceptsHtml(request)) return response;
  const { error } = (await response.clone().json()) as ErrorBody;
  const page = await html(
    ErrorPage({ status: response.status, message: error.message, correlationId: error.correlationId }),
    response.status,
  );
  const headers = new Headers(response.headers);
  headers.set('content-type', page.headers.get('content-type')!);
  return new Response(page.body, { status: response.status, headers });
}

import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import type { HttpApp } from '../http/app.ts';
import { lazy } from '../lazy.ts';
import { invocationScope } from './invocation.ts';
import type { HttpEvent, HttpLambda, HttpResult } from './types.ts';

/**
 * A Hono app behind Hono's Lambda adapter, built on the first invocation and kept while the
 * container is warm. The adapter understands API Gateway v1 and v2 and function URL events;
 * two things it gets wrong are put right around it:
 * - a GET or HEAD event with a body (API Gateway forwards one if the client sent it) would make
 *   the adapter build an invalid Request and answer a bare 400 outside the app: the body is
 *   dropped first, as a server would ignore it;
 * - a REST API (v1) event reached through a stage (`/prod/notes/`) is routed without it
 *   (`/notes/`), so the app's redirects would leave the stage: they get its prefix back.
 */
export function honoLambda(
  createApp: () => HttpApp | Promise<HttpApp>,
  options: {
    /**
     * Run once a request that may change state (any method but GET and HEAD) is answered, within
     * the invocation: the outbox's messages go out here, as no relay runs on Lambda.
     */
    afterWrite?: () => Promise<void>;
  } = {},
): HttpLambda {
  // A failed start (bad config, database down) is retried by the next invocation.
  const serve = lazy(async () => handle(await createApp()));

  async function handleEvent(event: HttpEvent, context: Context): Promise<HttpResult> {
    // Hono declares its own, looser types for the same AWS event shapes.
    const result = await (await serve())(withoutBodyOnRead(event) as unknown as LambdaEvent, context);
    if (!BODYLESS_METHODS.has(methodOf(event).toUpperCase())) await options.afterWrite?.();
    return withBasePath(result, basePathOf(event));
  }

  return middy(handleEvent).use(invocationScope());
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

function methodOf(event: HttpEvent): string {
  return 'httpMethod' in event ? event.httpMethod : event.requestContext.http.method;
}

function withoutBodyOnRead(event: HttpEvent): HttpEvent {
  if (!event.body || !BODYLESS_METHODS.has(methodOf(event).toUpperCase())) return event;
  return { ...event, body: undefined, isBase64Encoded: false } as HttpEvent;
}

/**
 * What the client's path has in front of the path the app routes: `/prod` for a REST API stage in
 * an execute-api URL, a base path mapping of a custom domain, or nothing.
 */
function basePathOf(event: HttpEvent): string {
  if (!('httpMethod' in event)) return '';
  const { path } = event as APIGatewayProxyEvent;
  const requested = (event as APIGatewayProxyEvent).requestContext.path ?? path;
  return requested !== path && requested.endsWith(path) ? requested.slice(0, -path.length) : '';
}

/** A redirect to a path of this app (`/notes/`, not `//host` or a URL) gets the base path in front. */
function withBasePath(result: HttpResult, basePath: string): HttpResult {
  if (basePath === '') return result;
  const prefixed = (location: unknown) => {
    const text = String(location);
    return text.startsWith('/') && !text.startsWith('//') ? basePath + text : text;
  };
  // The adapter answers v1 events with `multiValueHeaders`, other events with `headers`.
  const { headers, multiValueHeaders } = result as {
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
  };
  const changed: Record<string, unknown> = {};
  if (headers) {
    changed.headers = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, isLocation(name) ? prefixed(value) : value]),
    );
  }
  if (multiValueHeaders) {
    changed.multiValueHeaders = Object.fromEntries(
      Object.entries(multiValueHeaders).map(([name, values]) => [
        name,
        isLocation(name) ? values.map(prefixed) : values,
      ]),
    );
  }
  return { ...result, ...changed };
}

const isLocation = (name: string) => name.toLowerCase() === 'location';

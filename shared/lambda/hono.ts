import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import type { HttpApp } from '../http/app.ts';
import { lazy } from '../lazy.ts';
import { invocationScope } from './invocation.ts';
import type { HttpEvent, HttpLambda, HttpResult } from './types.ts';

/**
 * A Hono app behind Hono's Lambda adapter, built on the first invocation and kept while the
 * container is warm. The adapter understands API Gateway v1 and v2 and function URL events.
 */
export function honoLambda(createApp: () => HttpApp | Promise<HttpApp>): HttpLambda {
  // A failed start (bad config, database down) is retried by the next invocation.
  const serve = lazy(async () => handle(await createApp()));

  async function handleEvent(event: HttpEvent, context: Context): Promise<HttpResult> {
    // Hono declares its own, looser types for the same AWS event shapes.
    return (await serve())(event as unknown as LambdaEvent, context);
  }

  return middy(handleEvent).use(invocationScope());
}

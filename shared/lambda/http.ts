import type { HttpDefinition } from '../contract/http.ts';
import { createHttpApp } from '../http/app.ts';
import type { FunctionEntry } from '../runtime/manifest.ts';
import { honoLambda } from './hono.ts';
import { lazyRuntime } from './runtime.ts';
import type { HttpLambda, LambdaDeployment } from './types.ts';

// Pool size: one request at a time per container; a second connection for a job insert batch.
const HTTP_POOL_SIZE = 2;

/**
 * One HTTP function as a Lambda handler: the same Hono app as the local runner (validation,
 * error mapping, correlation ids, access logs), serving only this function's route, behind
 * Hono's Lambda adapter. API Gateway HTTP API (v2), REST API (v1) and function URL events are
 * all understood: path parameters, query strings, cookies, base64 bodies and status codes
 * round-trip as they do locally.
 *
 * @example
 *   // generated entry of the `gradcafe-page` bundle
 *   export const handler = httpHandler({ id: 'gradcafe-page', ..., definition }, { topology });
 */
export function httpHandler(entry: FunctionEntry<HttpDefinition>, deployment: LambdaDeployment): HttpLambda {
  const runtime = lazyRuntime({ functionId: entry.id, deployment, poolSize: HTTP_POOL_SIZE });
  return honoLambda(
    async () => {
      const rt = await runtime();
      return createHttpApp({
        manifest: { http: [entry], tasks: [], schedules: [] },
        makeCtx: rt.httpCtx,
        log: rt.log,
        metrics: rt.metrics,
        auth: rt.auth,
        config: rt.config,
        platformRoutes: false,
      });
    },
    {
      // What the request committed to the outbox goes out before the invocation ends (the answer
      // waits for it: a frozen container sends nothing). A failure leaves the rows to the sweeper.
      afterWrite: async () => {
        const rt = await runtime().catch(() => undefined); // a failed start already answered 5xx
        await rt?.outbox
          .drain()
          .catch((err: unknown) => rt.log.warn({ err }, 'outbox: could not send after the request'));
      },
    },
  );
}

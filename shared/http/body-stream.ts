import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { HttpEnv } from './env.ts';
import { PayloadTooLargeError } from './errors.ts';

/**
 * Bodies a route reads itself, as a stream (`streamBody: true`: uploads), under the route's
 * `maxBodyBytes`. Unlike Hono's bodyLimit, which buffers a body sent without Content-Length to
 * count it, nothing is held in memory: a declared length beyond the limit is refused before the
 * handler runs, and a body that turns out longer fails the stream with the same 413 error.
 */
export function streamedBodyLimit(maxBytes: number): MiddlewareHandler<HttpEnv> {
  return async function limitStreamedBody(c, next) {
    const declared = Number(c.req.header('content-length') ?? 'NaN');
    if (declared > maxBytes) throw tooLarge(maxBytes);
    await next();
  };
}

/**
 * Bodies the platform reads whole (JSON, forms), under the route's `maxBodyBytes`: Hono's
 * bodyLimit, which trusts a declared Content-Length (without Transfer-Encoding) and counts any
 * other body. Except that a declared length is judged before `c.req.raw.body` is touched: on
 * @hono/node-server that property turns the request into a full web Request with a
 * ReadableStream, where `text()` would read the socket directly. That detour was ~9% of the
 * runner's CPU on a small enqueue POST (`npm run bench -- enqueue`).
 */
export function bufferedBodyLimit(maxBytes: number): MiddlewareHandler<HttpEnv> {
  const countBody = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return async function limitBufferedBody(c, next) {
    const declared = c.req.header('content-length');
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) return countBody(c, next);
    if (Number.parseInt(declared, 10) > maxBytes) throw tooLarge(maxBytes);
    await next();
  };
}

/** The request's body as a stream that errors with a 413 once it passes `maxBytes`. */
export function limitedBody(c: Context, maxBytes: number): ReadableStream<Uint8Array> {
  const body = c.req.raw.body ?? new Blob([]).stream();
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`Request body is larger than ${maxBytes} bytes`);
}

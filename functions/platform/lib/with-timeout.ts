/** A readiness probe gave no answer in time. */
export class CheckTimeoutError extends Error {
  readonly code = 'CHECK_TIMEOUT';
}

/**
 * Settle with `promise`, or reject after `ms`: a dependency that hangs (a half-open TCP
 * connection) must make a probe fail fast, not hang the probe.
 *
 * @example
 *   await withTimeout(ctx.db.ping(), 2000, 'db'); // rejects with CheckTimeoutError after 2 s
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

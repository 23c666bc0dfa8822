/** A dependency gave no answer within its time limit. */
export class TimeoutError extends Error {
  readonly code = 'TIMEOUT';
}

/**
 * Settle as `work` does, or reject with `onTimeout()` once `ms` have passed: a dependency that
 * hangs (a half-open TCP connection, a broker that never confirms) must make its caller fail
 * fast instead of hanging it. The timer is cleared as soon as `work` settles. `work` itself is
 * not cancelled; a late rejection from it is handled here, never left unhandled.
 *
 * @example
 *   await withTimeout(db.ping(), 2000); // rejects with TimeoutError after 2 s
 *   await withTimeout(send(message), 5000, () => new QueueUnavailableError('no confirm within 5000 ms'));
 */
export function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => Error = () => new TimeoutError(`No answer within ${ms} ms`),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

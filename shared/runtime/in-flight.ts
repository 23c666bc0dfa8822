import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Counts the requests being handled. A server's close() resolves once its connections are gone,
 * but a handler whose client hung up keeps running: the runner waits for those too before it
 * closes the database under them.
 *
 * @example
 *   const inFlight = createInFlight();
 *   serve({ fetch: inFlight.track(app.fetch) });
 *   await inFlight.drained(5_000); // at stop
 */
export function createInFlight() {
  let count = 0;
  let idle: (() => void) | undefined;
  return {
    track<A extends unknown[], R>(handle: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
      return async (...args) => {
        count += 1;
        try {
          return await handle(...args);
        } finally {
          count -= 1;
          if (count === 0) idle?.();
        }
      };
    },
    get count() {
      return count;
    },
    /** Resolves when no request is being handled, or after `timeoutMs` (true when drained). */
    async drained(timeoutMs: number): Promise<boolean> {
      if (count === 0) return true;
      const done = new Promise<boolean>((resolve) => {
        idle = () => resolve(true);
      });
      return Promise.race([done, sleep(timeoutMs, false, { ref: false })]);
    },
  };
}

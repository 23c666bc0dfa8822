import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { retryDelayMs } from '../queue/port.ts';

export interface WaitOptions {
  log: Logger;
  /** Stops waiting (the runner is stopping): the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Between two attempts: exponential from base, capped, with jitter. Default 250 ms .. 5 s. */
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  /** Errors worth waiting out (default: all). Any other is thrown at once: waiting cannot fix it. */
  retryable?: (err: unknown) => boolean;
}

/**
 * Run `attempt` until it succeeds: a dependency the process cannot work without (the database,
 * the broker) that may come up after it. Between attempts it waits with capped exponential
 * backoff and jitter. The log gets one line when `what` is unavailable, another only if the
 * reason changes, and one when it is back: never a stack per attempt.
 *
 * @example
 *   await waitUntilAvailable('Postgres at db:5432', () => db.ping(), { log, signal });
 *   // WARN waiting for Postgres at db:5432: connect ECONNREFUSED; retrying with backoff
 *   // INFO Postgres at db:5432 is available (after 7 attempts)
 */
export async function waitUntilAvailable<T>(
  what: string,
  attempt: () => Promise<T>,
  options: WaitOptions,
): Promise<T> {
  const { log, signal } = options;
  const backoff = { attempts: Number.POSITIVE_INFINITY, ...(options.backoff ?? DEFAULT_BACKOFF) };
  let lastReason: string | undefined;
  for (let attempts = 1; ; attempts++) {
    signal?.throwIfAborted();
    try {
      const value = await attempt();
      if (lastReason !== undefined)
        log.info({ attempts }, `${what} is available (after ${attempts} attempts)`);
      return value;
    } catch (err) {
      if (options.retryable && !options.retryable(err)) throw err;
      const reason = reasonOf(err);
      if (reason !== lastReason) log.warn(`waiting for ${what}: ${reason}; retrying with backoff`);
      lastReason = reason;
    }
    await sleep(retryDelayMs(backoff, attempts), undefined, signal ? { signal } : {});
  }
}

const DEFAULT_BACKOFF = { baseDelayMs: 250, maxDelayMs: 5_000 };

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message || err.constructor.name : String(err);
  return message.split('\n')[0]!.slice(0, 300);
}

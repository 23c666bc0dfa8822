import type { Logger } from 'pino';

/** While the backend stays down, one reminder per this interval, with the count in between. */
const REMINDER_INTERVAL_MS = 60_000;

export interface OutageLog {
  /** A backend operation failed: warns on the first failure of an outage, then stays quiet. */
  failed(err: unknown): void;
  /** A backend operation worked: ends the outage, if any, with one info line. */
  succeeded(): void;
}

/**
 * Logging for a cache backend that comes and goes. Every request that falls back to the
 * source during an outage would otherwise log its own warning: thousands of identical lines
 * per second, drowning the logs that matter. Counting is left to the metrics.
 *
 * @example
 *   const outage = createOutageLog(log, 'redis');
 *   try { await client.get(key); outage.succeeded(); } catch (err) { outage.failed(err); }
 */
export function createOutageLog(
  log: Logger,
  driver: string,
  now: () => number = () => Date.now(),
): OutageLog {
  let down = false;
  let lastLoggedAt = 0;
  let failures = 0;
  return {
    failed(err) {
      failures++;
      if (!down) {
        down = true;
        lastLoggedAt = now();
        failures = 1;
        log.warn({ err, cacheDriver: driver }, 'cache unavailable: answering from the source');
      } else if (now() - lastLoggedAt >= REMINDER_INTERVAL_MS) {
        lastLoggedAt = now();
        log.warn({ err, cacheDriver: driver, failures }, 'cache still unavailable');
      }
    },
    succeeded() {
      if (!down) return;
      down = false;
      log.info({ cacheDriver: driver, failures }, 'cache available again');
    },
  };
}

import type { Logger } from 'pino';

/**
 * Graceful stop on SIGTERM / SIGINT. Handlers are installed at once, before start-up work such
 * as migrations and seeding, so a signal during start-up is not lost: it is held until
 * `ready(stop)` hands over the way to stop, then acted on. A second signal, or a stop that
 * outlasts `timeoutS`, exits at once with code 1.
 *
 * @example
 *   const shutdown = onShutdownSignal(log, config.SHUTDOWN_TIMEOUT_S);
 *   const runner = await startRunner(platform, options);
 *   shutdown.ready(() => runner.stop());
 */
export function onShutdownSignal(log: Logger, timeoutS: number): { ready(stop: () => Promise<void>): void } {
  let stop: (() => Promise<void>) | undefined;
  let requested = false;
  let signals = 0;

  function begin(): void {
    const timer = setTimeout(() => {
      log.error(`shutdown took longer than ${timeoutS}s; exiting`);
      process.exit(1);
    }, timeoutS * 1000);
    timer.unref();
    stop!().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (++signals > 1) process.exit(1);
      requested = true;
      if (stop) {
        log.info({ signal }, 'shutting down: finishing in-flight work');
        begin();
      } else {
        log.info({ signal }, 'shutdown requested during start-up; stopping once started');
      }
    });
  }

  return {
    ready(fn) {
      stop = fn;
      if (requested) begin();
    },
  };
}

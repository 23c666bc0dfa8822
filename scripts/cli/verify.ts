import type { Command } from 'commander';
import { loadConfig } from '../../shared/config.ts';
import { createDb } from '../../shared/db/index.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import { createQueueDriver, describeDriver } from '../../shared/queue/index.ts';
import { createObjectStore } from '../../shared/storage/index.ts';
import { createCache } from '../../shared/cache/index.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';

/** verify: can this configuration reach everything it names? One line per dependency; exit 1 if not. */
export function addVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('check every configured dependency (database, broker, Redis, the imports bucket)')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger('silent');
      const checks: [string, () => Promise<unknown>][] = [
        [
          config.embeddedDb
            ? 'database (embedded)'
            : `database (${config.DATABASE_SECRET_ID ? 'DATABASE_SECRET_ID' : 'DATABASE_URL'})`,
          async () => {
            const db = await createDb(config, { log });
            try {
              await db.ping();
            } finally {
              await db.close();
            }
          },
        ],
        [
          `queue (${describeDriver(config)})`,
          async () => {
            const driver = createQueueDriver(config, log);
            try {
              await driver.check();
            } finally {
              await driver.close();
            }
          },
        ],
      ];
      if (config.REDIS_URL) {
        checks.push([
          'cache (REDIS_URL)',
          async () => {
            const cache = createCache({
              redisUrl: config.REDIS_URL,
              prefix: config.CACHE_PREFIX,
              enabled: true,
              log,
              metrics: createMetrics(),
            });
            try {
              await cache.check();
            } finally {
              await cache.close();
            }
          },
        ]);
      }
      // The Imports app's bucket, read from the environment (a script does not import an app).
      const bucket = config.env.IMPORTS_BUCKET;
      if (bucket) {
        checks.push([
          `imports bucket (s3://${bucket})`,
          async () => {
            const store = createObjectStore({
              bucket,
              region: config.AWS_REGION,
              ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
            });
            await store.check();
          },
        ]);
      }
      let failed = 0;
      for (const [name, check] of checks) {
        const started = performance.now();
        const error = await withTimeout(check(), 30_000).then(
          () => undefined,
          (err: unknown) => err,
        );
        const ms = Math.round(performance.now() - started);
        if (error) failed++;
        console.log(
          `${error ? 'FAIL' : 'ok  '} ${name} (${ms} ms)${error ? `: ${(error as Error).message}` : ''}`,
        );
      }
      if (failed > 0) process.exitCode = 1;
    });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms).unref(),
    ),
  ]);
}

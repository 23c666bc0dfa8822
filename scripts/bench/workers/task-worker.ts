/**
 * Our side of the pipeline sections: a worker runner (`startRunner`, role `worker`, as
 * `scripts/start.ts --role worker` runs it) over the fixture task, in a process of its own so its
 * peak RSS is a worker's. Env: those of the runner, BENCH_PREFETCH, BENCH_POOL, BENCH_BATCH (1:
 * `batch: true`), BENCH_QUEUE_DRIVER (`rabbitmq` or `sqs`). SIGTERM drains and exits.
 */
import { loadConfig } from '../../../shared/config.ts';
import { createPgDb } from '../../../shared/db/pg.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { createQueueDriver } from '../../../shared/queue/index.ts';
import { createPlatform } from '../../../shared/runtime/platform.ts';
import { startRunner } from '../../../shared/runtime/runner.ts';
import { benchTaskManifest } from '../fixture-task.ts';

// The bench picks the driver: a QUEUE_DRIVER left in the caller's shell must not.
const config = loadConfig({ ...process.env, QUEUE_DRIVER: process.env.BENCH_QUEUE_DRIVER ?? 'rabbitmq' });
const log = createLogger(config.LOG_LEVEL);
const db = createPgDb(config.DATABASE_URL!, { max: Number(process.env.BENCH_POOL), log });
// Built as the runner builds it, so the driver's defaults are production's.
const driver = createQueueDriver(config, log);
const manifest = benchTaskManifest(Number(process.env.BENCH_PREFETCH), process.env.BENCH_BATCH === '1');
const platform = createPlatform({ config, log, db, driver, manifest });
const runner = await startRunner(platform, { roles: ['worker'], port: 0, host: '127.0.0.1' });
// The URL serves /metrics, where the bench reads the heap figures behind the peak RSS.
process.stdout.write(`ready ${runner.url}\n`);

process.once('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});

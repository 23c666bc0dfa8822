import type pg from 'pg';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createRabbitMqDriver } from '../../shared/queue/rabbitmq/index.ts';
import { topologyOf } from '../../shared/runtime/manifest.ts';
import { createPublisher } from '../../shared/runtime/publisher.ts';
import { measureDrain, type DrainSide } from './drain.ts';
import { BENCH_KIND, benchTaskManifest } from './fixture-task.ts';
import {
  declareRawRoute,
  rawConfirmPublisher,
  runBounded,
  withClient,
  withConfirmChannel,
  type RawRoute,
} from './helpers.ts';
import { RUNNER_NODE_FLAGS, spawnTsx } from './processes.ts';
import { platformBrokerObjects, type BenchRun } from './run.ts';
import { alone, defineSection, rowProblems, versus } from './section.ts';

/**
 * Task pipeline: N small tasks, each committing one row (and an inbox row), drained from a
 * RabbitMQ quorum queue by our worker runner (per message, and `batch: true`) and by a bare
 * amqplib + pg worker doing the same statements, with the same prefetch and pool size, into the
 * same database. The peer section adds Celery to the same three sides.
 */
export interface PipelineResult {
  tasks: number;
  raw: DrainSide;
  ours: DrainSide;
  /** Ours with `defineTask({ batch: true })`: a savepoint per message, one commit per batch. */
  batched: DrainSide;
}

// The raw worker's inbox has the same shape and keys as the platform's `inbox` table.
export const PIPELINE_TABLES_SQL = `
  create table if not exists raw_inbox (
    message_id uuid not null, queue text not null, kind text not null,
    processed_at timestamptz not null default now(), primary key (message_id, queue));
  create table if not exists raw_effects (id bigserial primary key, message_id uuid not null, n integer not null);
  create table if not exists task_effects (id bigserial primary key, message_id uuid not null, n integer not null);
  create table if not exists batched_effects (id bigserial primary key, message_id uuid not null, n integer not null);
`;

export default defineSection({
  name: 'pipeline',
  description: (s) => `${s.tasks} tasks, each committing one row, drained by raw, ours, ours batched`,
  needs: ['postgres', 'rabbitmq'],
  run: (run) =>
    withClient(run.databaseUrl, async (db) => ({
      tasks: run.settings.tasks,
      ...(await pipelineSides(run, db)),
    })),
  report: (result: PipelineResult) => ({
    figures: [
      versus(
        `task pipeline, ${result.tasks} tasks`,
        'tasks/s',
        result.ours.tasksPerSecond,
        result.raw.tasksPerSecond,
        0.8,
      ),
      versus(
        'same, defineTask({ batch: true })',
        'tasks/s',
        result.batched.tasksPerSecond,
        result.raw.tasksPerSecond,
        0.8,
      ),
      alone('peak RSS, worker runner', 'MB', result.ours.peakRssMb, 200),
    ],
    details: [
      `CPU s per 1,000 tasks (worker/RabbitMQ/Postgres): ${(['raw', 'ours', 'batched'] as const).map((side) => `${side} ${describeCpu(result[side])}`).join(', ')}; raw worker peak RSS ${result.raw.peakRssMb} MB.`,
    ],
    problems: rowProblems(result.tasks, { ours: result.ours, batched: result.batched, raw: result.raw }),
  }),
});

export function describeCpu(side: DrainSide): string {
  return [side.cpuSecondsPer1000, side.brokerCpuSecondsPer1000, side.postgresCpuSecondsPer1000]
    .map((seconds) => seconds.toFixed(3))
    .join('/');
}

/** The raw worker, then ours per message, then ours batched, each draining a filled queue. */
export async function pipelineSides(run: BenchRun, db: pg.Client): Promise<Omit<PipelineResult, 'tasks'>> {
  await db.query(PIPELINE_TABLES_SQL);
  return {
    raw: await rawSide(run, db),
    ours: await oursSide(run, db, false),
    batched: await oursSide(run, db, true),
  };
}

/** Fill a queue with every task, each publish confirmed, before its worker starts. */
export const fill = (run: BenchRun, publish: (n: number) => Promise<void>) =>
  runBounded(run.settings.tasks, run.settings.publishConcurrency, publish);

async function rawSide(run: BenchRun, db: pg.Client): Promise<DrainSide> {
  const route: RawRoute = {
    exchange: `${run.prefix}raw.tasks`,
    queue: `${run.prefix}raw.pipeline`,
    routingKey: BENCH_KIND,
  };
  run.defer(() => run.deleteBrokerObjects({ queues: [route.queue], exchanges: [route.exchange] }));
  await db.query('truncate raw_inbox, raw_effects restart identity');
  await withConfirmChannel(run.settings.rabbitmqUrl, async (channel) => {
    await declareRawRoute(channel, route);
    const publish = rawConfirmPublisher(channel, route);
    await fill(run, async (n) => {
      // The envelope our publisher sends, so both sides move the same body.
      const envelope = createEnvelope({ kind: BENCH_KIND, payload: { n } });
      await publish(Buffer.from(JSON.stringify(envelope)), { messageId: envelope.id, mandatory: true });
    });
  });
  return measureDrain(db, {
    table: 'raw_effects',
    tasks: run.settings.tasks,
    database: run.tag,
    startWorker: () =>
      spawnTsx('scripts/bench/workers/raw-worker.ts', [], {
        ...workerEnv(run),
        BENCH_EXCHANGE: route.exchange,
        BENCH_QUEUE: route.queue,
        BENCH_ROUTING_KEY: route.routingKey,
      }),
  });
}

async function oursSide(run: BenchRun, db: pg.Client, batch: boolean): Promise<DrainSide> {
  const table = batch ? 'batched_effects' : 'task_effects';
  const topology = topologyOf(benchTaskManifest(run.settings.prefetch, batch));
  run.defer(() => run.deleteBrokerObjects(platformBrokerObjects(run.prefix, topology)));
  await db.query(`truncate ${table}, inbox restart identity`);
  const driver = createRabbitMqDriver({ url: run.settings.rabbitmqUrl, prefix: run.prefix });
  try {
    await driver.declare(topology);
    // `ctx.queue` exactly as an HTTP function or a task gets it.
    const publisher = createPublisher(driver, createMetrics());
    await fill(run, async (n) => void (await publisher.publish(BENCH_KIND, { n })));
  } finally {
    await driver.close();
  }
  return measureDrain(db, {
    table: table,
    tasks: run.settings.tasks,
    database: run.tag,
    startWorker: () =>
      spawnTsx(
        'scripts/bench/workers/task-worker.ts',
        [],
        { ...workerEnv(run), QUEUE_PREFIX: run.prefix, BENCH_BATCH: batch ? '1' : '0' },
        RUNNER_NODE_FLAGS,
      ),
  });
}

export function workerEnv(run: BenchRun): Record<string, string> {
  return {
    DATABASE_URL: run.databaseUrl,
    RABBITMQ_URL: run.settings.rabbitmqUrl,
    BENCH_PREFETCH: String(run.settings.prefetch),
    BENCH_POOL: String(run.settings.poolSize),
    // Per-message info logs would measure the log pipe, not the platform.
    LOG_LEVEL: 'warn',
  };
}

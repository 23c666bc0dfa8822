import type pg from 'pg';
import { describeHeap, measureSide, type PipelineSide } from './measure-side.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createRabbitMqDriver } from '../../shared/queue/rabbitmq/index.ts';
import { topologyOf } from '../../shared/runtime/manifest.ts';
import { createPublisher } from '../../shared/runtime/publisher.ts';
import { BENCH_KIND, benchTaskManifest } from './fixture-task.ts';
import {
  declareRawRoute,
  rawConfirmPublisher,
  withClient,
  withConfirmChannel,
  type RawRoute,
} from './helpers.ts';
import { platformBrokerObjects, type BenchRun } from './run.ts';
import { RUNNER_NODE_FLAGS, spawnTsx } from './processes.ts';
import { alone, defineSection, rowProblems, versus } from './section.ts';

/**
 * (a) Task pipeline throughput: N small tasks, each committing one row, from the first publish
 * to the Nth committed row. Both sides publish from this process with the same number of
 * confirms in flight, and consume in a worker process of their own with the same prefetch
 * and pool size, into the same database.
 */

export default defineSection({
  name: 'pipeline',
  description: (s) => `${s.tasks} tasks, each committing one row: raw, ours, ours batched`,
  needs: ['postgres', 'rabbitmq'],
  run: benchPipeline,
  report: (result) => ({
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
      alone('peak RSS, worker runner (raw worker: see details)', 'MB', result.ours.workerPeakRssMb, 200),
    ],
    details: [
      `ours ${result.ours.seconds.toFixed(2)} s, batched ${result.batched.seconds.toFixed(2)} s, raw ${result.raw.seconds.toFixed(2)} s; ` +
        `raw worker peak RSS ${result.raw.workerPeakRssMb} MB; worker runner heap ${describeHeap(result.ours.workerHeap)}.`,
    ],
    problems: rowProblems(result.tasks, { ours: result.ours, batched: result.batched, raw: result.raw }),
  }),
});

export interface PipelineResult {
  tasks: number;
  ours: PipelineSide;
  /** Ours again with `defineTask({ batch: true })`: a savepoint per message, one commit per batch. */
  batched: PipelineSide;
  raw: PipelineSide;
}

// The raw worker's inbox has the same shape and keys as the platform's `inbox` table.
const TABLES_SQL = `
  create table raw_inbox (
    message_id uuid not null, queue text not null, kind text not null,
    processed_at timestamptz not null default now(), primary key (message_id, queue));
  create index raw_inbox_processed_at_idx on raw_inbox (processed_at);
  create table raw_effects (id bigserial primary key, message_id uuid not null, n integer not null);
  create table task_effects (id bigserial primary key, message_id uuid not null, n integer not null);
  create table batched_effects (id bigserial primary key, message_id uuid not null, n integer not null);
`;

export async function benchPipeline(run: BenchRun): Promise<PipelineResult> {
  const { settings } = run;
  return withClient(run.databaseUrl, async (db) => {
    await db.query(TABLES_SQL);
    const raw = await measureRaw(run, db);
    const ours = await measureOurs(run, db, false);
    const batched = await measureOurs(run, db, true);
    return { tasks: settings.tasks, ours, batched, raw };
  });
}

async function measureRaw(run: BenchRun, db: pg.Client): Promise<PipelineSide> {
  const { settings, prefix } = run;
  const route: RawRoute = {
    exchange: `${prefix}raw.tasks`,
    queue: `${prefix}raw.pipeline`,
    routingKey: BENCH_KIND,
  };
  run.defer(() => run.deleteBrokerObjects({ queues: [route.queue], exchanges: [route.exchange] }));
  const worker = spawnTsx('scripts/bench/workers/raw-worker.ts', [], {
    ...workerEnv(run),
    BENCH_EXCHANGE: route.exchange,
    BENCH_QUEUE: route.queue,
    BENCH_ROUTING_KEY: route.routingKey,
  });
  return withConfirmChannel(settings.rabbitmqUrl, async (channel) => {
    await declareRawRoute(channel, route);
    const publish = rawConfirmPublisher(channel, route);
    return measureSide(
      db,
      worker,
      'raw_effects',
      async (n) => {
        // The envelope our publisher sends, so both sides move the same body.
        const envelope = createEnvelope({ kind: BENCH_KIND, payload: { n } });
        await publish(Buffer.from(JSON.stringify(envelope)), { messageId: envelope.id, mandatory: true });
      },
      sideOptions(settings),
    );
  });
}

async function measureOurs(run: BenchRun, db: pg.Client, batch: boolean): Promise<PipelineSide> {
  const { settings, prefix } = run;
  const manifest = benchTaskManifest(settings.prefetch, batch);
  run.defer(() => run.deleteBrokerObjects(platformBrokerObjects(prefix, topologyOf(manifest))));
  const worker = spawnTsx(
    'scripts/bench/workers/task-worker.ts',
    [],
    {
      ...workerEnv(run),
      QUEUE_PREFIX: prefix,
      BENCH_BATCH: batch ? '1' : '0',
    },
    RUNNER_NODE_FLAGS,
  );
  const driver = createRabbitMqDriver({ url: settings.rabbitmqUrl, prefix });
  try {
    // `ctx.queue` exactly as an HTTP function or a task gets it.
    const publisher = createPublisher(driver, createMetrics());
    return await measureSide(
      db,
      worker,
      batch ? 'batched_effects' : 'task_effects',
      async (n) => {
        await publisher.publish(BENCH_KIND, { n });
      },
      sideOptions(settings),
    );
  } finally {
    await driver.close();
  }
}

function workerEnv(run: BenchRun): Record<string, string> {
  return {
    DATABASE_URL: run.databaseUrl,
    RABBITMQ_URL: run.settings.rabbitmqUrl,
    BENCH_PREFETCH: String(run.settings.prefetch),
    BENCH_POOL: String(run.settings.poolSize),
    // Per-message info logs would measure the log pipe, not the platform.
    LOG_LEVEL: 'warn',
  };
}

const sideOptions = (settings: BenchRun['settings']) => ({
  tasks: settings.tasks,
  publishConcurrency: settings.publishConcurrency,
});

import type pg from 'pg';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createRabbitMqDriver } from '../../shared/queue/rabbitmq/index.ts';
import { topologyOf } from '../../shared/runtime/manifest.ts';
import { describeCpu, measureDrain, type DrainSide } from './drain.ts';
import { BENCH_KIND, benchTaskManifest, fillThroughPlatform } from './fixture-task.ts';
import { fillRawQueue, withClient, type RawRoute } from './helpers.ts';
import { RUNNER_NODE_FLAGS, spawnTsx, type BenchChild } from './processes.ts';
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

/** The raw worker, then ours per message, then ours batched, each draining a filled queue. */
export async function pipelineSides(run: BenchRun, db: pg.Client): Promise<Omit<PipelineResult, 'tasks'>> {
  await db.query(PIPELINE_TABLES_SQL);
  const { rabbitmqUrl, tasks, prefetch, publishConcurrency } = run.settings;
  const fillSize = { count: tasks, concurrency: publishConcurrency };
  const drain = (tables: string[], fill: () => Promise<void>, startWorker: () => BenchChild) =>
    measureDrain(db, { tables, tasks, fill, database: run.tag, startWorker });

  const route: RawRoute = {
    exchange: `${run.prefix}raw.tasks`,
    queue: `${run.prefix}raw.pipeline`,
    routingKey: BENCH_KIND,
  };
  run.defer(() => run.deleteBrokerObjects({ queues: [route.queue], exchanges: [route.exchange] }));
  const raw = await drain(
    ['raw_effects', 'raw_inbox'],
    () =>
      fillRawQueue(rabbitmqUrl, route, fillSize, (n) => {
        // The envelope our publisher sends, so both sides move the same body.
        const envelope = createEnvelope({ kind: BENCH_KIND, payload: { n } });
        const content = Buffer.from(JSON.stringify(envelope));
        return { content, options: { messageId: envelope.id, mandatory: true } };
      }),
    rawWorker(run, { BENCH_QUEUE: route.queue }),
  );

  const oursSide = (batch: boolean) => {
    const manifest = benchTaskManifest(prefetch, batch);
    run.defer(() => run.deleteBrokerObjects(platformBrokerObjects(run.prefix, topologyOf(manifest))));
    const driver = () => createRabbitMqDriver({ url: rabbitmqUrl, prefix: run.prefix });
    return drain(
      [batch ? 'batched_effects' : 'task_effects', 'inbox'],
      () => fillThroughPlatform(driver(), manifest, fillSize),
      taskWorker(run, { BENCH_BATCH: batch ? '1' : '0' }),
    );
  };
  return { raw, ours: await oursSide(false), batched: await oursSide(true) };
}

/** The raw baseline worker (a bare client and pg), on the transport `env` names. */
export const rawWorker = (run: BenchRun, env: Record<string, string>) => () =>
  spawnTsx('scripts/bench/workers/raw-worker.ts', [], { ...workerEnv(run), ...env });

/** Our worker runner over the fixture task, with the heap flags production gives it. */
export const taskWorker = (run: BenchRun, env: Record<string, string>) => () =>
  spawnTsx(
    'scripts/bench/workers/task-worker.ts',
    [],
    { ...workerEnv(run), QUEUE_PREFIX: run.prefix, ...env },
    RUNNER_NODE_FLAGS,
  );

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

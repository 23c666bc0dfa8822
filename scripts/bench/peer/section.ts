import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { createMetrics } from '../../../shared/observability/metrics.ts';
import { createEnvelope } from '../../../shared/queue/envelope.ts';
import { createRabbitMqDriver } from '../../../shared/queue/rabbitmq/index.ts';
import { topologyOf } from '../../../shared/runtime/manifest.ts';
import { createPublisher } from '../../../shared/runtime/publisher.ts';
import { BENCH_KIND, benchTaskManifest } from '../fixture-task.ts';
import {
  declareRawRoute,
  rawConfirmPublisher,
  runBounded,
  withClient,
  withConfirmChannel,
  type RawRoute,
} from '../helpers.ts';
import { RUNNER_NODE_FLAGS, spawnProcess, spawnTsx } from '../processes.ts';
import { platformBrokerObjects, type BenchRun } from '../run.ts';
import { defineSection, rowProblems, versus, type Figure } from '../section.ts';
import { SYSTEM_PYTHON } from '../services.ts';
import { measureDrain, type DrainSide } from './drain.ts';
import { celeryMessage } from './celery-message.ts';

/**
 * Peer: the same task (insert one row, an inbox row for idempotence, one transaction) run by
 * Celery and by our worker, per message and with `batch: true`, with a bare amqplib + pg worker
 * as the ceiling; on the same RabbitMQ (a durable quorum queue per side) and Postgres, in one
 * run. Each side's queue is filled with every task first, then its worker is started and timed
 * while it drains (scripts/bench/peer/drain.ts).
 */
export interface PeerResult {
  tasks: number;
  raw: DrainSide;
  ours: DrainSide;
  batched: DrainSide;
  /** By pool size (`--concurrency`), prefork pool, prefetch multiplier 10, acks_late. */
  celery: Record<string, DrainSide>;
}

/** Pool sizes tried: the machine has 2 cores; the better of the two is Celery's figure. */
const CELERY_POOLS = [2, 4];
const CELERY_DIR = fileURLToPath(new URL('.', import.meta.url));

// Each side's inbox has the shape and keys of the platform's `inbox` table; ours uses that one.
const TABLES_SQL = ['raw', 'celery']
  .map(
    (side) => `
  create table if not exists ${side}_inbox (
    message_id uuid not null, queue text not null, kind text not null,
    processed_at timestamptz not null default now(), primary key (message_id, queue));
  create table if not exists ${side}_effects (id bigserial primary key, message_id uuid not null, n integer not null);`,
  )
  .concat(
    ['task_effects', 'batched_effects'].map(
      (table) =>
        `create table if not exists ${table} (id bigserial primary key, message_id uuid not null, n integer not null);`,
    ),
  )
  .join('\n');

export default defineSection({
  name: 'peer',
  description: (s) =>
    `${s.tasks} tasks drained by raw amqplib + pg, ours, ours batched, Celery (pool ${CELERY_POOLS.join(', ')})`,
  needs: ['postgres', 'rabbitmq', 'celery'],
  run: benchPeer,
  report: peerReport,
});

async function benchPeer(run: BenchRun): Promise<PeerResult> {
  return withClient(run.databaseUrl, async (db) => {
    await db.query(TABLES_SQL);
    const raw = await rawSide(run, db);
    const ours = await oursSide(run, db, false);
    const batched = await oursSide(run, db, true);
    const celery: Record<string, DrainSide> = {};
    for (const pool of CELERY_POOLS) celery[pool] = await celerySide(run, db, pool);
    return { tasks: run.settings.tasks, raw, ours, batched, celery };
  });
}

/** Fill the queue with every task, confirmed, before the worker starts. */
async function fill(run: BenchRun, publish: (n: number) => Promise<void>): Promise<void> {
  await runBounded(run.settings.tasks, run.settings.publishConcurrency, publish);
}

async function rawSide(run: BenchRun, db: pg.Client): Promise<DrainSide> {
  const route: RawRoute = {
    exchange: `${run.prefix}peer.raw`,
    queue: `${run.prefix}peer.raw`,
    routingKey: 'raw',
  };
  run.defer(() => run.deleteBrokerObjects({ queues: [route.queue], exchanges: [route.exchange] }));
  await db.query('truncate raw_inbox, raw_effects restart identity');
  await withConfirmChannel(run.settings.rabbitmqUrl, async (channel) => {
    await declareRawRoute(channel, route);
    const publish = rawConfirmPublisher(channel, route);
    await fill(run, async (n) => {
      const envelope = createEnvelope({ kind: BENCH_KIND, payload: { n } });
      await publish(Buffer.from(JSON.stringify(envelope)), { messageId: envelope.id });
    });
  });
  return measureDrain(db, 'raw_effects', run.settings.tasks, run.tag, () =>
    spawnTsx('scripts/bench/workers/raw-worker.ts', [], {
      ...workerEnv(run),
      BENCH_EXCHANGE: route.exchange,
      BENCH_QUEUE: route.queue,
      BENCH_ROUTING_KEY: route.routingKey,
    }),
  );
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
  return measureDrain(db, table, run.settings.tasks, run.tag, () =>
    spawnTsx(
      'scripts/bench/workers/task-worker.ts',
      [],
      { ...workerEnv(run), QUEUE_PREFIX: run.prefix, BENCH_BATCH: batch ? '1' : '0' },
      RUNNER_NODE_FLAGS,
    ),
  );
}

async function celerySide(run: BenchRun, db: pg.Client, pool: number): Promise<DrainSide> {
  const queue = `${run.prefix}peer.celery`;
  // Celery's routing: a direct exchange named as the queue, the queue's name as the key.
  const route: RawRoute = { exchange: queue, queue, routingKey: queue };
  run.defer(() => run.deleteBrokerObjects({ queues: [queue], exchanges: [queue] }));
  await db.query('truncate celery_inbox, celery_effects restart identity');
  await withConfirmChannel(run.settings.rabbitmqUrl, async (channel) => {
    await declareRawRoute(channel, route);
    const publish = rawConfirmPublisher(channel, route);
    await fill(run, async (n) => {
      const message = celeryMessage('peer.insert_effect', randomUUID(), [n]);
      await publish(message.content, message.options);
    });
  });
  return measureDrain(db, 'celery_effects', run.settings.tasks, run.tag, () =>
    spawnProcess(
      SYSTEM_PYTHON,
      [
        ...['-m', 'celery', '--app', 'celery_app', 'worker', '--pool', 'prefork'],
        ...['--concurrency', String(pool), '--loglevel', 'WARNING', '--queues', queue],
        ...['--without-gossip', '--without-mingle', '--without-heartbeat'],
      ],
      { PEER_BROKER_URL: run.settings.rabbitmqUrl, PEER_DATABASE_URL: run.databaseUrl, PEER_QUEUE: queue },
      { cwd: CELERY_DIR },
    ),
  );
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

/** Goals of issue 15, against Celery's best pool size. */
const PER_MESSAGE_GOAL = 1.5;
const BATCHED_GOAL = 3;

function peerReport(result: PeerResult): { figures: Figure[]; details: string[]; problems: string[] } {
  const [bestPool, best] = Object.entries(result.celery).reduce((a, b) =>
    b[1].tasksPerSecond > a[1].tasksPerSecond ? b : a,
  );
  const celery = `[raw: Celery, pool ${bestPool}]`;
  const lessMemory = (label: string, side: DrainSide): Figure => ({
    ...versus(`${label}, peak RSS of the worker tree ${celery}`, 'MB', side.peakRssMb, best.peakRssMb),
    target: '< Celery',
    pass: side.peakRssMb < best.peakRssMb,
  });
  const sides: [string, DrainSide][] = [
    ['raw amqplib + pg', result.raw],
    ['ours', result.ours],
    ['ours batch: true', result.batched],
    ...Object.entries(result.celery).map(([pool, side]): [string, DrainSide] => [
      `Celery pool ${pool}`,
      side,
    ]),
  ];
  const table = [
    [
      'side',
      'tasks/s',
      'x Celery',
      'x raw',
      'peak RSS MB',
      'PSS MB',
      'processes',
      'CPU s / 1k tasks: worker',
      'RabbitMQ',
      'Postgres',
    ],
    ...sides.map(([label, side]) => [
      label,
      Math.round(side.tasksPerSecond).toLocaleString('en-US'),
      (side.tasksPerSecond / best.tasksPerSecond).toFixed(2),
      (side.tasksPerSecond / result.raw.tasksPerSecond).toFixed(2),
      String(side.peakRssMb),
      String(side.pssMb),
      String(side.processes),
      side.cpuSecondsPer1000.toFixed(3),
      side.brokerCpuSecondsPer1000.toFixed(3),
      side.postgresCpuSecondsPer1000.toFixed(3),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return {
    figures: [
      versus(
        `peer: ours per message ${celery}`,
        'tasks/s',
        result.ours.tasksPerSecond,
        best.tasksPerSecond,
        PER_MESSAGE_GOAL,
      ),
      versus(
        `peer: ours batch: true ${celery}`,
        'tasks/s',
        result.batched.tasksPerSecond,
        best.tasksPerSecond,
        BATCHED_GOAL,
      ),
      lessMemory('peer: ours batch: true', result.batched),
      lessMemory('peer: ours per message', result.ours),
      versus(
        'peer: ours batch: true [raw: amqplib + pg, the ceiling]',
        'tasks/s',
        result.batched.tasksPerSecond,
        result.raw.tasksPerSecond,
      ),
    ],
    details: [
      ...table.map((row) =>
        row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
      ),
      `${result.tasks} tasks per side, timed from the first committed row to the last.`,
    ],
    problems: rowProblems(result.tasks, Object.fromEntries(sides.map(([label, side]) => [label, side]))),
  };
}

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { measureDrain, type DrainSide } from '../drain.ts';
import {
  declareRawRoute,
  rawConfirmPublisher,
  withClient,
  withConfirmChannel,
  type RawRoute,
} from '../helpers.ts';
import { fill, pipelineSides } from '../pipeline.ts';
import { spawnProcess } from '../processes.ts';
import type { BenchRun } from '../run.ts';
import { defineSection, rowProblems, versus, type Figure } from '../section.ts';
import { SYSTEM_PYTHON } from '../services.ts';
import { celeryMessage } from './celery-message.ts';

/**
 * Peer: the same task (insert one row, an inbox row for idempotence, one transaction) run by
 * Celery and by our worker, per message and with `batch: true`, with a bare amqplib + pg worker
 * as the ceiling; on the same RabbitMQ (a durable quorum queue per side) and Postgres, in one
 * run. Each side's queue is filled with every task first, then its worker is started and timed
 * while it drains (scripts/bench/drain.ts).
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

const CELERY_TABLES_SQL = `
  create table if not exists celery_inbox (
    message_id uuid not null, queue text not null, kind text not null,
    processed_at timestamptz not null default now(), primary key (message_id, queue));
  create table if not exists celery_effects (id bigserial primary key, message_id uuid not null, n integer not null);
`;

export default defineSection({
  name: 'peer',
  description: (s) =>
    `${s.tasks} tasks drained by raw amqplib + pg, ours, ours batched, Celery (pool ${CELERY_POOLS.join(', ')})`,
  needs: ['postgres', 'rabbitmq', 'celery'],
  run: benchPeer,
  report: peerReport,
});

/**
 * Every side runs once per round, in turn, and keeps its best round: load from elsewhere on the
 * machine drifts over the minutes a round takes, and would otherwise fall on whichever side ran then.
 */
const ROUNDS = 2;

async function benchPeer(run: BenchRun): Promise<PeerResult> {
  return withClient(run.databaseUrl, async (db) => {
    await db.query(CELERY_TABLES_SQL);
    const best: Record<string, DrainSide> = {};
    const keep = (label: string, side: DrainSide) => {
      if (!best[label] || side.tasksPerSecond > best[label].tasksPerSecond) best[label] = side;
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, side] of Object.entries(await pipelineSides(run, db))) keep(label, side);
      for (const pool of CELERY_POOLS) keep(`celery ${pool}`, await celerySide(run, db, pool));
    }
    const celery = Object.fromEntries(CELERY_POOLS.map((pool) => [pool, best[`celery ${pool}`]!]));
    return { tasks: run.settings.tasks, raw: best.raw!, ours: best.ours!, batched: best.batched!, celery };
  });
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
  return measureDrain(db, {
    table: 'celery_effects',
    tasks: run.settings.tasks,
    database: run.tag,
    startWorker: () =>
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
  });
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
      `${result.tasks} tasks per side, timed from the first committed row to the last; each side's best of ${ROUNDS} rounds.`,
    ],
    problems: rowProblems(result.tasks, Object.fromEntries(sides.map(([label, side]) => [label, side]))),
  };
}

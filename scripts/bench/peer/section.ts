import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Options } from 'amqplib';
import type pg from 'pg';
import { measureDrain, type DrainSide } from '../drain.ts';
import { fillRawQueue, withClient } from '../helpers.ts';
import { pipelineSides } from '../pipeline.ts';
import { spawnProcess } from '../processes.ts';
import type { BenchRun } from '../run.ts';
import { defineSection, rowProblems, versus, type Figure } from '../section.ts';
import { SYSTEM_PYTHON } from '../services.ts';

/**
 * Peer: the same task (insert one row, an inbox row for idempotence, one transaction) run by
 * Celery and by our worker, per message and with `batch: true`, with a bare amqplib + pg worker
 * as the ceiling; on the same RabbitMQ (a durable quorum queue per side) and Postgres, in one
 * run. Each side drains a queue filled first (scripts/bench/drain.ts).
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
const CELERY_TASK = 'peer.insert_effect';

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
  const { rabbitmqUrl } = run.settings;
  const queue = `${run.prefix}peer.celery`;
  run.defer(() => run.deleteBrokerObjects({ queues: [queue], exchanges: [queue] }));
  // Celery's routing: a direct exchange named as the queue, the queue's name as the key.
  const route = { exchange: queue, queue, routingKey: queue };
  const fill = { count: run.settings.tasks, concurrency: run.settings.publishConcurrency };
  return measureDrain(db, {
    tables: ['celery_effects', 'celery_inbox'],
    tasks: run.settings.tasks,
    fill: () => fillRawQueue(rabbitmqUrl, route, fill, (n) => celeryMessage(randomUUID(), [n])),
    database: run.tag,
    startWorker: () =>
      spawnProcess(
        SYSTEM_PYTHON,
        [
          ...['-m', 'celery', '--app', 'celery_app', 'worker', '--pool', 'prefork'],
          ...['--concurrency', String(pool), '--loglevel', 'WARNING', '--queues', queue],
          ...['--without-gossip', '--without-mingle', '--without-heartbeat'],
        ],
        { PEER_BROKER_URL: rabbitmqUrl, PEER_DATABASE_URL: run.databaseUrl, PEER_QUEUE: queue },
        { cwd: CELERY_DIR },
      ),
  });
}

/**
 * A task message in Celery's protocol 2, as `apply_async` sends it: published with the same
 * confirm publisher as the other sides, so filling the queues costs every side alike.
 * See https://docs.celeryq.dev/en/stable/internals/protocol.html#version-2
 */
function celeryMessage(id: string, args: unknown[]): { content: Buffer; options: Options.Publish } {
  const body = [args, {}, { callbacks: null, errbacks: null, chain: null, chord: null }];
  const headers = {
    ...{ lang: 'py', task: CELERY_TASK, id, shadow: null, eta: null, expires: null },
    ...{ group: null, group_index: null, retries: 0, timelimit: [null, null], root_id: id, parent_id: null },
    ...{ argsrepr: JSON.stringify(args), kwargsrepr: '{}', origin: 'fnstack-bench' },
  };
  return {
    content: Buffer.from(JSON.stringify(body)),
    options: { contentEncoding: 'utf-8', correlationId: id, headers },
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
  const sides: Record<string, DrainSide> = {
    'raw amqplib + pg': result.raw,
    ours: result.ours,
    'ours batch: true': result.batched,
    ...Object.fromEntries(Object.entries(result.celery).map(([pool, side]) => [`Celery pool ${pool}`, side])),
  };
  const header = ['side', 'tasks/s', 'x Celery', 'x raw', 'peak RSS MB', 'PSS MB', 'processes'];
  const table = [
    [...header, 'CPU s / 1k tasks: worker', 'RabbitMQ', 'Postgres'],
    ...Object.entries(sides).map(([label, side]) => [
      label,
      Math.round(side.tasksPerSecond).toLocaleString('en-US'),
      (side.tasksPerSecond / best.tasksPerSecond).toFixed(2),
      (side.tasksPerSecond / result.raw.tasksPerSecond).toFixed(2),
      ...[side.peakRssMb, side.pssMb, side.processes].map(String),
      ...[side.cpuSecondsPer1000, side.brokerCpuSecondsPer1000, side.postgresCpuSecondsPer1000].map((s) =>
        s.toFixed(3),
      ),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const ours = (label: string) => `peer: ours ${label} ${celery}`;
  return {
    figures: [
      versus(
        ours('per message'),
        'tasks/s',
        result.ours.tasksPerSecond,
        best.tasksPerSecond,
        PER_MESSAGE_GOAL,
      ),
      versus(
        ours('batch: true'),
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
    problems: rowProblems(result.tasks, sides),
  };
}

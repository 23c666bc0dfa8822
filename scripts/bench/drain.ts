import type pg from 'pg';
import { elapsedSeconds, waitUntil } from './helpers.ts';
import type { BenchChild } from './processes.ts';
import { cpuSecondsOf, peakRssMb, processTree, pssMb, serviceProcesses, sumOver } from './proc.ts';

/** One worker draining a queue filled beforehand: how fast, with how much memory and CPU. */
export interface DrainSide {
  tasksPerSecond: number;
  /** From the first committed row seen to the last: the tasks committed in between are timed. */
  seconds: number;
  timedTasks: number;
  /** CPU (user + system) per 1,000 timed tasks: the worker's process tree, the broker, Postgres. */
  cpuSecondsPer1000: number;
  brokerCpuSecondsPer1000: number;
  postgresCpuSecondsPer1000: number;
  /** Sum of each process's VmHWM: an upper bound, pages a fork shares are counted in each. */
  peakRssMb: number;
  /** Sum of each process's PSS at the end: shared pages divided among the processes. */
  pssMb: number;
  processes: number;
  rows: number;
  distinctRows: number;
}

export interface DrainOptions {
  /** Emptied first. The first is the side's effects table: a bigserial `id` and a `message_id`. */
  tables: string[];
  tasks: number;
  /** Put the `tasks` messages on the queue, before the worker starts. */
  fill: () => Promise<void>;
  /** The run's database, whose Postgres backends are the side's. */
  database: string;
  /** The broker's processes when it is not the local RabbitMQ (the SQS emulator's pid). */
  brokerPids?: number[];
  startWorker: () => BenchChild;
  /** How long the worker may take to stop before it is killed. */
  stopGraceMs?: number;
}

/**
 * Fill the queue, start the worker and time it from the first row it commits to the last, so
 * every side, whatever its start-up (a Node runner, Celery's prefork pool), is timed the same way:
 * steady draining. `id` restarts at 1, so `max(id)` (an index lookup) tracks progress cheaply
 * every 10 ms; `count(*)` confirms the end.
 */
export async function measureDrain(db: pg.Client, options: DrainOptions): Promise<DrainSide> {
  const { tables, tasks, database, brokerPids, stopGraceMs } = options;
  const table = tables[0]!;
  await db.query(`truncate ${tables.join(', ')} restart identity`);
  await options.fill();
  await db.query('checkpoint');
  const worker = options.startWorker();
  try {
    const number = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
    const highest = () => number(`select coalesce(max(id), 0)::int as n from ${table}`);
    const alive = (what: string) => {
      if (worker.hasExited()) throw new Error(`the ${table} worker exited before ${what}`);
    };
    const poll = { timeoutMs: 60_000, intervalMs: 10 };
    let first = 0;
    await waitUntil(async () => (alive('its first row'), (first = await highest()) > 0), {
      ...poll,
      what: `a first row in ${table}`,
    });
    const started = process.hrtime.bigint();
    const cpuNow = async () => {
      const services = await serviceProcesses(database);
      const groups = [await processTree(worker.pid), brokerPids ?? services.broker, services.postgres];
      return Promise.all(groups.map((pids) => sumOver(pids, cpuSecondsOf)));
    };
    const cpuBefore = await cpuNow();
    const done = async () =>
      (await highest()) >= tasks && (await number(`select count(*)::int as n from ${table}`)) >= tasks;
    await waitUntil(async () => (alive('the last row'), await done()), {
      ...poll,
      timeoutMs: 300_000,
      what: `${tasks} rows in ${table}`,
    });
    const seconds = elapsedSeconds(started);
    const cpuAfter = await cpuNow();
    const tree = await processTree(worker.pid);
    const memory = {
      peakRssMb: await sumOver(tree, peakRssMb),
      pssMb: Math.round(await sumOver(tree, pssMb)),
    };
    await worker.stop(stopGraceMs);
    const { rows } = await db.query<{ rows: number; distinct_rows: number }>(
      `select count(*)::int as rows, count(distinct message_id)::int as distinct_rows from ${table}`,
    );
    const timedTasks = tasks - first;
    const cpuPer1000 = (i: number) => ((cpuAfter[i]! - cpuBefore[i]!) / timedTasks) * 1000;
    return {
      tasksPerSecond: timedTasks / seconds,
      seconds,
      timedTasks,
      cpuSecondsPer1000: cpuPer1000(0),
      brokerCpuSecondsPer1000: cpuPer1000(1),
      postgresCpuSecondsPer1000: cpuPer1000(2),
      ...memory,
      processes: tree.length,
      rows: rows[0]!.rows,
      distinctRows: rows[0]!.distinct_rows,
    };
  } finally {
    await worker.stop(stopGraceMs);
  }
}

/** `0.412/0.180/0.305`: a side's CPU seconds per 1,000 tasks, worker/broker/Postgres. */
export function describeCpu(side: DrainSide): string {
  return [side.cpuSecondsPer1000, side.brokerCpuSecondsPer1000, side.postgresCpuSecondsPer1000]
    .map((seconds) => seconds.toFixed(3))
    .join('/');
}

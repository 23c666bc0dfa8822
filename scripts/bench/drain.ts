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
  /** CPU (user + system) of the worker's whole process tree per 1,000 timed tasks. */
  cpuSecondsPer1000: number;
  /** The same for the broker (RabbitMQ, or the SQS emulator) and for Postgres (this database's backends and the shared processes). */
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

/**
 * Start `worker` on a queue that already holds `tasks` messages and time it from the first row
 * it commits into `table` to the last, so every side, whatever its start-up (a Node runner,
 * Celery's prefork pool), is timed the same way: steady draining. The table's `id` is a
 * bigserial restarted at 1, so `max(id)` (an index lookup) tracks progress cheaply every 10 ms;
 * `count(*)` confirms the end.
 */
export interface DrainOptions {
  /** The side's effects table: a bigserial `id` restarted at 1, and `message_id`. */
  table: string;
  tasks: number;
  /** The run's database, whose Postgres backends are the side's. */
  database: string;
  /** The broker's processes when it is not the local RabbitMQ (the SQS emulator's pid). */
  brokerPids?: number[];
  startWorker: () => BenchChild;
  /** How long the worker may take to stop before it is killed. */
  stopGraceMs?: number;
}

export async function measureDrain(
  db: pg.Client,
  { table, tasks, database, brokerPids, startWorker, stopGraceMs }: DrainOptions,
): Promise<DrainSide> {
  await db.query('checkpoint');
  const worker = startWorker();
  try {
    const highest = async () =>
      (await db.query<{ n: number }>(`select coalesce(max(id), 0)::int as n from ${table}`)).rows[0]!.n;
    const count = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
    const alive = (what: string) => {
      if (worker.hasExited()) throw new Error(`the ${table} worker exited before ${what}`);
    };
    let first = 0;
    await waitUntil(async () => (alive('its first row'), (first = await highest()) > 0), {
      timeoutMs: 60_000,
      intervalMs: 10,
      what: `a first row in ${table}`,
    });
    const started = process.hrtime.bigint();
    const cpuNow = async () => {
      const services = await serviceProcesses(database);
      const [tree, broker, postgres] = await Promise.all(
        [await processTree(worker.pid), brokerPids ?? services.broker, services.postgres].map((pids) =>
          sumOver(pids, cpuSecondsOf),
        ),
      );
      return { worker: tree!, broker: broker!, postgres: postgres! };
    };
    const cpuBefore = await cpuNow();
    await waitUntil(
      async () => (alive('the last row'), (await highest()) >= tasks && (await count()) >= tasks),
      {
        timeoutMs: 300_000,
        intervalMs: 10,
        what: `${tasks} rows in ${table}`,
      },
    );
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
    return {
      tasksPerSecond: timedTasks / seconds,
      seconds,
      timedTasks,
      cpuSecondsPer1000: ((cpuAfter.worker - cpuBefore.worker) / timedTasks) * 1000,
      brokerCpuSecondsPer1000: ((cpuAfter.broker - cpuBefore.broker) / timedTasks) * 1000,
      postgresCpuSecondsPer1000: ((cpuAfter.postgres - cpuBefore.postgres) / timedTasks) * 1000,
      ...memory,
      processes: tree.length,
      rows: rows[0]!.rows,
      distinctRows: rows[0]!.distinct_rows,
    };
  } finally {
    await worker.stop(stopGraceMs);
  }
}

import type pg from 'pg';
import { cpuSecondsOf, peakRssMb } from './proc.ts';
import { elapsedSeconds, runBounded, runnerHeapStats, waitUntil, type HeapStats } from './helpers.ts';
import type { BenchChild } from './processes.ts';

/** One side (ours or raw) of a task pipeline benchmark. */
export interface PipelineSide {
  tasksPerSecond: number;
  seconds: number;
  /** Rows committed, and distinct messages among them: both must equal the task count. */
  rows: number;
  distinctRows: number;
  workerPeakRssMb: number;
  /** Our worker runner's V8 heap when the last row landed (the raw worker serves no metrics). */
  workerHeap: HeapStats | null;
}

export interface SideOptions<K extends string> {
  tasks: number;
  /** Publishes in flight at once. */
  publishConcurrency: number;
  /** How long the worker may take to stop before it is killed. */
  stopGraceMs?: number;
  /** Processes whose CPU time during the timed run is reported, by label (the bench's own is `publisher`). */
  cpuOf?: Record<K, number>;
}

/**
 * Time from the first publish to the moment `table` holds every row. The count is polled every
 * 10 ms (a few ms each on 20k rows), so the clock stops within ~10 ms of the last commit; rows
 * and distinct messages are counted again once the worker has drained. Both sides of a figure
 * start after a CHECKPOINT, from the same clean WAL state.
 */
export async function measureSide<K extends string = never>(
  db: pg.Client,
  worker: BenchChild,
  table: string,
  publish: (n: number) => Promise<void>,
  options: SideOptions<K>,
): Promise<PipelineSide & { cpuSeconds: Record<K | 'publisher', number> }> {
  const { tasks, publishConcurrency, stopGraceMs } = options;
  const cpuOf = Object.entries(options.cpuOf ?? {}) as [K, number][];
  try {
    const [, metricsUrl] = await worker.waitForLine(/^ready(?: (\S+))?$/, 30_000);
    await db.query('checkpoint');
    const countRows = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
    const cpuBefore = await Promise.all(cpuOf.map(([, pid]) => cpuSecondsOf(pid)));
    const publisherCpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    await Promise.all([
      runBounded(tasks, publishConcurrency, publish),
      waitUntil(
        async () => {
          // A crashed worker would otherwise leave the bench waiting out the whole timeout.
          if (worker.hasExited()) throw new Error(`the ${table} worker exited during the run`);
          return (await countRows()) >= tasks;
        },
        { timeoutMs: 120_000, intervalMs: 10, what: `${tasks} rows in ${table}` },
      ),
    ]);
    const seconds = elapsedSeconds(started);
    const publisherCpu = process.cpuUsage(publisherCpuBefore);
    const cpuSeconds = { publisher: (publisherCpu.user + publisherCpu.system) / 1e6 } as Record<
      K | 'publisher',
      number
    >;
    for (const [index, [label, pid]] of cpuOf.entries()) {
      cpuSeconds[label] = (await cpuSecondsOf(pid)) - cpuBefore[index]!;
    }
    const workerPeakRssMb = await peakRssMb(worker.pid);
    const workerHeap = metricsUrl ? await runnerHeapStats(metricsUrl) : null;
    await worker.stop(stopGraceMs);
    const { rows } = await db.query<{ rows: number; distinct_rows: number }>(
      `select count(*)::int as rows, count(distinct message_id)::int as distinct_rows from ${table}`,
    );
    return {
      tasksPerSecond: tasks / seconds,
      seconds,
      rows: rows[0]!.rows,
      distinctRows: rows[0]!.distinct_rows,
      workerPeakRssMb,
      workerHeap,
      cpuSeconds,
    };
  } finally {
    await worker.stop(stopGraceMs);
  }
}

/** `41 MB used of 60 MB reserved (young generation 16 MB)`: what V8 held behind a peak RSS. */
export function describeHeap(heap: HeapStats | null): string {
  return heap
    ? `${heap.usedMb} MB used of ${heap.totalMb} MB reserved (young generation ${heap.newSpaceMb} MB)`
    : 'n/a';
}

/**
 * `npm run bench`: throughput and memory of the platform against raw baselines measured in
 * the same run, on the real Postgres and RabbitMQ of this machine (and an SQS emulator). Not a test: it prints a
 * table and writes `dist/bench/results.json`; it exits non-zero only when the run itself is
 * not valid (requests failed, rows missing), not when a figure misses its target.
 *
 *   (a) task pipeline   scripts/bench/pipeline.ts
 *   (b) enqueue         scripts/bench/enqueue.ts
 *   (c) peak RSS        read by (a) and (b) from their child processes
 *   (d) task pipeline on SQS (fauxqs emulator)   scripts/bench/sqs-pipeline.ts
 *
 * Knobs (env): BENCH_TASKS, BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_PREFETCH, BENCH_POOL,
 * BENCH_PUBLISH_CONCURRENCY, BENCH_SQS_TASKS, BENCH_SQS_PUBLISH_CONCURRENCY, BENCH_POSTGRES_URL,
 * BENCH_RABBITMQ_URL (see scripts/bench/settings.ts).
 */
import { loadavg } from 'node:os';
import { benchEnqueue } from './bench/enqueue.ts';
import { peakRssMb } from './bench/helpers.ts';
import { benchPipeline } from './bench/pipeline.ts';
import { buildResults, printReport, writeResults } from './bench/report.ts';
import { openBenchRun } from './bench/run.ts';
import { readBenchSettings } from './bench/settings.ts';
import { benchSqsPipeline } from './bench/sqs-pipeline.ts';

const startedAt = new Date();
// Taken before the bench adds its own load: anything else running skews every figure.
const [loadAverage1m] = loadavg() as [number, number, number];
const settings = readBenchSettings();
const run = await openBenchRun(settings);
console.log(`bench ${run.tag}: database ${run.tag}, queue prefix '${run.prefix}'`);

// Ctrl-C or a kill still tears down the children, the queues and the database.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: tearing down`);
    void run.close().finally(() => process.exit(130));
  });
}

try {
  console.log(`(a) task pipeline: ${settings.tasks} tasks, raw, ours, ours batched ...`);
  const pipeline = await benchPipeline(run);
  console.log(
    `(b) enqueue: ${settings.connections} connections x ${settings.durationSeconds} s, ours then raw ...`,
  );
  const enqueue = await benchEnqueue(run);
  console.log(`(d) task pipeline on sqs (fauxqs emulator): ${settings.sqsTasks} tasks, raw then ours ...`);
  const sqsPipeline = await benchSqsPipeline(run);
  const results = buildResults({
    startedAt,
    settings,
    pipeline,
    enqueue,
    sqsPipeline,
    benchProcessPeakRssMb: await peakRssMb(),
    loadAverage1m,
  });
  printReport(results);
  console.log(`results written to ${await writeResults(results)}`);
  if (results.problems.length > 0) process.exitCode = 1;
} catch (err) {
  if (!interrupted) {
    console.error('bench failed:', err);
    process.exitCode = 1;
  }
} finally {
  if (!interrupted) await run.close();
}

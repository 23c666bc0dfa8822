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
 *   (e) Lambda cold start of every bundle        scripts/bench/cold-start.ts
 *   (f) Notes listing, cache warm vs cache off   scripts/bench/notes-cache.ts
 *   (g) Imports: a 1M-row file vs raw COPY       scripts/bench/imports.ts
 *   (h) People: a 10,000-user sync vs fetch + upsert by hand   scripts/bench/people.ts
 *   (i) Outbox relay vs raw confirm-publish, and its lag          scripts/bench/outbox.ts
 *
 * Sections by name run alone: `npx tsx scripts/bench.ts cold-start` (names: pipeline, enqueue,
 * sqs-pipeline, cold-start, notes-cache, imports, people, outbox; (c) comes with (a) and (b)). No name runs them all.
 *
 * Knobs (env): BENCH_TASKS, BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_PREFETCH, BENCH_POOL,
 * BENCH_PUBLISH_CONCURRENCY, BENCH_SQS_TASKS, BENCH_SQS_PUBLISH_CONCURRENCY, BENCH_COLD_RUNS,
 * BENCH_POSTGRES_URL, BENCH_RABBITMQ_URL, BENCH_REDIS_URL (see scripts/bench/settings.ts).
 */
import { loadavg } from 'node:os';
import { benchColdStart } from './bench/cold-start.ts';
import { benchEnqueue } from './bench/enqueue.ts';
import { benchImports } from './bench/imports.ts';
import { benchPeople } from './bench/people.ts';
import { benchOutbox } from './bench/outbox.ts';
import { peakRssMb } from './bench/helpers.ts';
import { benchNotesCache } from './bench/notes-cache.ts';
import { benchPipeline } from './bench/pipeline.ts';
import { buildResults, printReport, writeResults } from './bench/report.ts';
import { openBenchRun } from './bench/run.ts';
import { readBenchSettings } from './bench/settings.ts';
import { benchSqsPipeline } from './bench/sqs-pipeline.ts';

const SECTIONS = [
  'pipeline',
  'enqueue',
  'sqs-pipeline',
  'cold-start',
  'notes-cache',
  'imports',
  'people',
  'outbox',
] as const;
type Section = (typeof SECTIONS)[number];
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(SECTIONS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown bench section ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const sections: readonly Section[] = named.length > 0 ? SECTIONS.filter((s) => named.includes(s)) : SECTIONS;
const runs = (section: Section) => sections.includes(section);

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
  let pipeline, enqueue, sqsPipeline, coldStart, notesCache, imports, peopleSync, outbox;
  if (runs('pipeline')) {
    console.log(`(a) task pipeline: ${settings.tasks} tasks, raw, ours, ours batched ...`);
    pipeline = await benchPipeline(run);
  }
  if (runs('enqueue')) {
    console.log(
      `(b) enqueue: ${settings.connections} connections x ${settings.durationSeconds} s, ours then raw ...`,
    );
    enqueue = await benchEnqueue(run);
  }
  if (runs('sqs-pipeline')) {
    console.log(`(d) task pipeline on sqs (fauxqs emulator): ${settings.sqsTasks} tasks, raw then ours ...`);
    sqsPipeline = await benchSqsPipeline(run);
  }
  // Before (e) and (f): (e)'s in-process build and (f)'s in-process runners would otherwise set
  // the bench process's high-water mark.
  const benchProcessPeakRssMb = await peakRssMb();
  if (runs('notes-cache')) {
    console.log(
      `(f) Notes cache: GET /notes/api/tasks, ${settings.connections} connections x ${settings.durationSeconds} s, ` +
        'cache off, Redis, in-memory ...',
    );
    notesCache = await benchNotesCache(run);
  }
  if (runs('imports')) {
    console.log(
      '(g) Imports: generate a 1M-row file (5% bad), raw COPY of its clean rows, then the whole import ...',
    );
    imports = await benchImports(run);
  }
  if (runs('people')) {
    console.log('(h) People: users sync of 10,000 provider users, raw then ours, twice each ...');
    peopleSync = await benchPeople(run);
  }
  if (runs('outbox')) {
    console.log(
      '(i) Outbox relay: 20,000 committed messages vs raw confirm-publish, then the lag under load ...',
    );
    outbox = await benchOutbox(run);
  }
  if (runs('cold-start')) {
    console.log(
      `(e) Lambda cold start: build every bundle, then ${settings.coldRuns} fresh processes each ...`,
    );
    coldStart = await benchColdStart(run);
  }
  const results = buildResults({
    startedAt,
    settings,
    sections: [...sections],
    pipeline,
    enqueue,
    sqsPipeline,
    coldStart,
    notesCache,
    imports,
    people: peopleSync,
    outbox,
    benchProcessPeakRssMb,
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

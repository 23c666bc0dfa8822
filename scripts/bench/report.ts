import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { coldStartMethod, coldStartProblems, formatColdStartTable } from './cold-start-report.ts';
import type { ColdStartResult } from './cold-start.ts';
import type { EnqueueResult } from './enqueue.ts';
import type { HeapStats } from './helpers.ts';
import {
  notesCacheDetails,
  notesCacheFigures,
  notesCacheMethod,
  notesCacheProblems,
} from './notes-cache-report.ts';
import type { NotesCacheResult } from './notes-cache.ts';
import type { PipelineResult } from './pipeline.ts';
import type { ImportsBenchResult } from './imports.ts';
import { importsFigures, importsProblems } from './imports-report.ts';
import type { PeopleBenchResult } from './people.ts';
import { peopleFigures, peopleProblems } from './people-report.ts';
import type { OutboxBenchResult } from './outbox.ts';
import { outboxFigures } from './outbox-report.ts';
import type { BenchSettings } from './settings.ts';
import type { SqsPipelineResult, SqsPipelineSide } from './sqs-pipeline.ts';

/** One row of the results table. */
export interface Figure {
  figure: string;
  unit: string;
  ours: number;
  /** The raw baseline measured in the same run; null where there is no meaningful one. */
  raw: number | null;
  ratio: number | null;
  target: string;
  /** null: reported for information, no target. */
  pass: boolean | null;
}

export interface BenchResults {
  startedAt: string;
  totalSeconds: number;
  /** `loadAverage1m` at the start: other work on the machine skews every figure. */
  machine: { cpus: number; node: string; loadAverage1m: number };
  settings: Omit<BenchSettings, 'postgresAdminUrl' | 'rabbitmqUrl' | 'redisUrl'>;
  figures: Figure[];
  /** Anything that makes a figure untrustworthy (failed requests, missing rows). Empty when valid. */
  problems: string[];
  /** The sections this run measured (all unless named on the command line); the others are absent. */
  sections: string[];
  pipeline?: PipelineResult;
  enqueue?: EnqueueResult;
  sqsPipeline?: SqsPipelineResult;
  coldStart?: ColdStartResult;
  notesCache?: NotesCacheResult;
  imports?: ImportsBenchResult;
  people?: PeopleBenchResult;
  outbox?: OutboxBenchResult;
  benchProcessPeakRssMb: number;
}

const RSS_LIMIT_MB = 200;

/** The measured sections, as the results keep them. */
type SectionResults = Pick<
  BenchResults,
  | 'sections'
  | 'pipeline'
  | 'enqueue'
  | 'sqsPipeline'
  | 'coldStart'
  | 'notesCache'
  | 'imports'
  | 'people'
  | 'outbox'
  | 'benchProcessPeakRssMb'
>;

export function buildResults(
  input: SectionResults & { startedAt: Date; settings: BenchSettings; loadAverage1m: number },
): BenchResults {
  const { pipeline, enqueue, sqsPipeline, coldStart, notesCache, imports, people, outbox } = input;
  const { postgresAdminUrl: _pg, rabbitmqUrl: _amqp, redisUrl: _redis, ...settings } = input.settings;
  const figures: Figure[] = [
    ...(pipeline ? pipelineFigures(pipeline) : []),
    ...(enqueue ? enqueueFigures(enqueue) : []),
    ...(pipeline ? [workerRssFigure(pipeline)] : []),
    // Only where the bench process did the publishing: for (e) alone it is the build's memory.
    ...(pipeline || enqueue || sqsPipeline
      ? [
          {
            figure: '(c) peak RSS, bench process (publishers, autocannon)',
            unit: 'MB',
            ours: input.benchProcessPeakRssMb,
            raw: null,
            ratio: null,
            target: 'info',
            pass: null,
          },
        ]
      : []),
    ...(sqsPipeline ? [sqsPipelineFigure(sqsPipeline)] : []),
    ...(coldStart ? coldStartFigures(coldStart) : []),
    ...(notesCache ? notesCacheFigures(notesCache) : []),
    ...(imports ? importsFigures(imports) : []),
    ...(people ? peopleFigures(people) : []),
    ...(outbox ? outboxFigures(outbox) : []),
  ];
  return {
    startedAt: input.startedAt.toISOString(),
    totalSeconds: (Date.now() - input.startedAt.getTime()) / 1000,
    machine: { cpus: availableParallelism(), node: process.version, loadAverage1m: input.loadAverage1m },
    settings,
    figures,
    problems: [
      ...(pipeline ? pipelineProblems(pipeline) : []),
      ...(enqueue ? enqueueProblems(enqueue) : []),
      ...(sqsPipeline ? sqsPipelineProblems(sqsPipeline) : []),
      ...(coldStart ? coldStartProblems(coldStart) : []),
      ...(notesCache ? notesCacheProblems(notesCache) : []),
      ...(imports ? importsProblems(imports) : []),
      ...(people ? peopleProblems(people) : []),
    ],
    sections: input.sections,
    ...(pipeline ? { pipeline } : {}),
    ...(enqueue ? { enqueue } : {}),
    ...(sqsPipeline ? { sqsPipeline } : {}),
    ...(coldStart ? { coldStart } : {}),
    ...(notesCache ? { notesCache } : {}),
    benchProcessPeakRssMb: input.benchProcessPeakRssMb,
  };
}

const ratio = (ours: number, raw: number) => (raw > 0 ? ours / raw : 0);

function pipelineFigures(pipeline: PipelineResult): Figure[] {
  const pipelineRatio = ratio(pipeline.ours.tasksPerSecond, pipeline.raw.tasksPerSecond);
  const batchedRatio = ratio(pipeline.batched.tasksPerSecond, pipeline.raw.tasksPerSecond);
  return [
    {
      figure: `(a) task pipeline, ${pipeline.tasks} tasks`,
      unit: 'tasks/s',
      ours: pipeline.ours.tasksPerSecond,
      raw: pipeline.raw.tasksPerSecond,
      ratio: pipelineRatio,
      target: '>= 0.8x raw',
      pass: pipelineRatio >= 0.8,
    },
    {
      figure: `(a') same, defineTask({ batch: true })`,
      unit: 'tasks/s',
      ours: pipeline.batched.tasksPerSecond,
      raw: pipeline.raw.tasksPerSecond,
      ratio: batchedRatio,
      target: '>= 0.8x raw',
      pass: batchedRatio >= 0.8,
    },
  ];
}

function workerRssFigure(pipeline: PipelineResult): Figure {
  return {
    figure: '(c) peak RSS, worker runner of (a) [raw: raw worker]',
    unit: 'MB',
    ours: pipeline.ours.workerPeakRssMb,
    raw: pipeline.raw.workerPeakRssMb,
    ratio: ratio(pipeline.ours.workerPeakRssMb, pipeline.raw.workerPeakRssMb),
    target: `<= ${RSS_LIMIT_MB} MB`,
    pass: pipeline.ours.workerPeakRssMb <= RSS_LIMIT_MB,
  };
}

function enqueueFigures(enqueue: EnqueueResult): Figure[] {
  const enqueueRatio = ratio(enqueue.ours.requestsPerSecond, enqueue.raw.messagesPerSecond);
  return [
    {
      figure: '(b) enqueue POST /gradcafe/pull-data',
      unit: 'req/s vs msg/s',
      ours: enqueue.ours.requestsPerSecond,
      raw: enqueue.raw.messagesPerSecond,
      ratio: enqueueRatio,
      target: '>= 0.7x raw',
      pass: enqueueRatio >= 0.7,
    },
    {
      figure: "(b') same, vs raw job-row insert + publish",
      unit: 'req/s vs msg/s',
      ours: enqueue.ours.requestsPerSecond,
      raw: enqueue.rawWithJobRow.messagesPerSecond,
      ratio: ratio(enqueue.ours.requestsPerSecond, enqueue.rawWithJobRow.messagesPerSecond),
      target: 'info',
      pass: null,
    },
    {
      figure: '(c) peak RSS, runner --role web, end of (b)',
      unit: 'MB',
      ours: enqueue.ours.runnerPeakRssMb,
      raw: null,
      ratio: null,
      target: `<= ${RSS_LIMIT_MB} MB`,
      pass: enqueue.ours.runnerPeakRssMb <= RSS_LIMIT_MB,
    },
  ];
}

function sqsPipelineFigure(sqsPipeline: SqsPipelineResult): Figure {
  return {
    figure: `(d) task pipeline on sqs (fauxqs), ${sqsPipeline.tasks} tasks`,
    unit: 'tasks/s',
    ours: sqsPipeline.ours.tasksPerSecond,
    raw: sqsPipeline.raw.tasksPerSecond,
    ratio: ratio(sqsPipeline.ours.tasksPerSecond, sqsPipeline.raw.tasksPerSecond),
    target: 'info',
    pass: null,
  };
}

/** The target's line in the main table: the worst HTTP function against hello (details in (e)'s own table). */
function coldStartFigures(coldStart: ColdStartResult): Figure[] {
  const worst = coldStart.bundles.find((row) => row.id === coldStart.http.worst?.id);
  const hello = coldStart.hello.totalMs;
  if (!worst || worst.totalMs === null || hello === null) return [];
  return [
    {
      figure: `(e) Lambda cold start, slowest HTTP function (${worst.id})`,
      unit: 'ms',
      ours: worst.totalMs,
      raw: hello,
      ratio: ratio(worst.totalMs, hello),
      target: `<= ${coldStart.httpLimit}x hello`,
      pass: coldStart.http.within === coldStart.http.of,
    },
  ];
}

function rowProblems(
  sides: ReadonlyArray<readonly [string, { rows: number; distinctRows: number }, number]>,
): string[] {
  return sides
    .filter(([, result, tasks]) => result.rows !== tasks || result.distinctRows !== tasks)
    .map(
      ([side, result, tasks]) =>
        `${side}: ${result.rows} rows (${result.distinctRows} distinct messages) for ${tasks} tasks`,
    );
}

function pipelineProblems(pipeline: PipelineResult): string[] {
  return rowProblems([
    ['(a) ours', pipeline.ours, pipeline.tasks],
    ['(a) ours batched', pipeline.batched, pipeline.tasks],
    ['(a) raw', pipeline.raw, pipeline.tasks],
  ]);
}

function sqsPipelineProblems(sqsPipeline: SqsPipelineResult): string[] {
  return rowProblems([
    ['(d) ours', sqsPipeline.ours, sqsPipeline.tasks],
    ['(d) raw', sqsPipeline.raw, sqsPipeline.tasks],
  ]);
}

function enqueueProblems(enqueue: EnqueueResult): string[] {
  const problems: string[] = [];
  const { ours } = enqueue;
  if (ours.ok === 0) problems.push('(b) ours: no request succeeded');
  if (ours.non2xx > 0)
    problems.push(`(b) ours: ${ours.non2xx} non-2xx answers ${JSON.stringify(ours.statusCounts)}`);
  if (ours.errors > 0)
    problems.push(`(b) ours: ${ours.errors} connection errors (${ours.timeouts} timeouts)`);
  // autocannon stops the clock with up to one request per connection still unanswered; those
  // may have queued their message without being counted, so that many extra are expected.
  if (ours.messagesQueued < ours.ok || ours.messagesQueued > ours.ok + enqueue.connections) {
    problems.push(`(b) ours: ${ours.ok} requests accepted but ${ours.messagesQueued} messages queued`);
  }
  return problems;
}

export function printReport(results: BenchResults): void {
  const header = ['figure', 'unit', 'ours', 'raw', 'ratio', 'target', 'result'];
  const rows = results.figures.map((f) => [
    f.figure,
    f.unit,
    formatNumber(f.ours),
    f.raw === null ? '-' : formatNumber(f.raw),
    f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`,
    f.target,
    f.pass === null ? 'info' : f.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ');
  const { pipeline, enqueue, sqsPipeline, coldStart, notesCache } = results;
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');
  const details = [
    pipeline
      ? `(a) ours ${pipeline.ours.seconds.toFixed(2)} s, batched ${pipeline.batched.seconds.toFixed(2)} s, raw ${pipeline.raw.seconds.toFixed(2)} s.`
      : '',
    enqueue
      ? `(b) ours ${enqueue.ours.ok} x 2xx, p50 ${enqueue.ours.latencyMs.p50} ms, p99 ${enqueue.ours.latencyMs.p99} ms, ` +
        `${enqueue.ours.messagesQueued} messages queued; raw ${enqueue.raw.messages} messages of ${enqueue.messageBytes} bytes.`
      : '',
  ].filter(Boolean);
  if (details.length > 0) console.log(details.join('  '));
  if (sqsPipeline) {
    console.log(
      `(d) ours ${sqsPipeline.ours.seconds.toFixed(2)} s, raw ${sqsPipeline.raw.seconds.toFixed(2)} s; ` +
        `CPU s (emulator/worker/publishers) ours ${describeCpu(sqsPipeline.ours)}, raw ${describeCpu(sqsPipeline.raw)}; ` +
        `worker peak RSS ours ${sqsPipeline.ours.workerPeakRssMb} MB, raw ${sqsPipeline.raw.workerPeakRssMb} MB.`,
    );
  }
  const heaps = [
    enqueue ? `web runner ${describeHeap(enqueue.ours.runnerHeap)}` : '',
    pipeline ? `worker runner ${describeHeap(pipeline.ours.workerHeap)}` : '',
  ].filter(Boolean);
  if (heaps.length > 0) console.log(`V8 heap behind the RSS: ${heaps.join('; ')}.`);
  if (notesCache) console.log(wrap(notesCacheDetails(notesCache), 110));
  if (coldStart) {
    console.log('');
    console.log(`(e) Lambda cold start, medians of ${coldStart.runs} fresh processes per bundle:`);
    for (const row of formatColdStartTable(coldStart)) console.log(row);
  }
  console.log('');
  console.log(wrap(methodParagraph(results), 110));
  console.log('');
  if (results.problems.length > 0) {
    console.error('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    console.error('!! THIS BENCH RUN IS NOT VALID: some of the work it timed failed or is missing.');
    for (const problem of results.problems) console.error(`!!   ${problem}`);
    console.error('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
  }
}

function methodParagraph({
  settings,
  machine,
  pipeline,
  enqueue,
  sqsPipeline,
  coldStart,
  notesCache,
}: BenchResults): string {
  const s = settings;
  return [
    `Method (${machine.cpus} cores, load average ${machine.loadAverage1m.toFixed(1)} at the start, Node ${machine.node}; Postgres and RabbitMQ${notesCache ? ' (and Redis for (f))' : ''} on this machine, one fresh database`,
    `and one queue prefix per run, both removed at the end).`,
    pipeline ? pipelineMethod(s) : '',
    enqueue ? enqueueMethod(s) : '',
    pipeline || enqueue ? rssMethod() : '',
    sqsPipeline ? sqsPipelineMethod(s, sqsPipeline) : '',
    coldStart ? coldStartMethod(coldStart) : '',
    notesCache ? notesCacheMethod(notesCache) : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function pipelineMethod(s: BenchResults['settings']): string {
  return [
    `(a) ${s.tasks} tasks, each committing one row: ours`,
    `is a defineTask fixture run by a worker runner (startRunner, role worker) in a child process over the RabbitMQ`,
    `driver and a pg pool of ${s.poolSize}, prefetch ${s.prefetch}, published through ctx.queue from the bench process;`,
    `raw is a bare amqplib + pg child consuming a durable quorum queue with the same prefetch and pool, doing`,
    `BEGIN; inbox insert; row insert; COMMIT; ack per message, fed by a bare confirm channel. Both sides publish`,
    `persistent messages with ${s.publishConcurrency} confirms in flight; the clock runs from the first publish until`,
    `a count(*) polled every 10 ms sees every row, after a CHECKPOINT; rows and distinct ids are checked afterwards.`,
  ].join(' ');
}

function enqueueMethod(s: BenchResults['settings']): string {
  return [
    `(b) autocannon (${s.connections} connections, ${s.durationSeconds} s, in the bench process) posts JSON to the`,
    `runner started as in production (scripts/start.ts --role web, LOG_LEVEL=warn); each 202 has written a job row`,
    `and had its message confirmed. Raw is ${s.connections} publishers on one confirm channel sending the very message`,
    `the route queued (same bytes and headers), each waiting for its confirm, for the same time; (b') adds before each`,
    `publish the job-row insert the route makes (autocommit, pool of 10 like the runner's) - the same work minus HTTP`,
    `and the platform's layers.`,
  ].join(' ');
}

function rssMethod(): string {
  return [
    `(c) Peak RSS is VmHWM`,
    `from /proc/<pid>/status: of the web runner after (b), and of the worker runner after (a) — a child process, so`,
    `it is a runner's footprint and not the bench's (the raw worker's is shown beside it for reference).`,
  ].join(' ');
}

function sqsPipelineMethod(s: BenchResults['settings'], sqsPipeline: SqsPipelineResult): string {
  return [
    `(d) ${s.sqsTasks} tasks through the fauxqs SQS emulator (a Node child process of its own), after a warm-up`,
    `of ${sqsPipeline.warmUpMessages} messages: ours is (a)'s worker runner on the sqs driver (QUEUE_DRIVER=sqs), fed through ctx.queue;`,
    `raw is a bare @aws-sdk/client-sqs + pg child doing (a)'s transaction per message. Both have one long-poll loop`,
    `(ReceiveMessage of at most 10, wait 20 s) with at most ${s.prefetch} messages in hand, delete after COMMIT in`,
    `DeleteMessageBatch calls of up to 10 (2 in flight), and are fed one SendMessage per task, ${s.sqsPublishConcurrency}`,
    `in flight; ours also sends and receives 3 message attributes. No target: the emulator is not SQS.`,
  ].join(' ');
}

function describeCpu({ cpuSeconds: cpu }: SqsPipelineSide): string {
  return [cpu.emulator, cpu.worker, cpu.publisher].map((seconds) => seconds.toFixed(2)).join('/');
}

function describeHeap(heap: HeapStats | null): string {
  return heap
    ? `${heap.usedMb} MB used of ${heap.totalMb} MB reserved (young generation ${heap.newSpaceMb} MB)`
    : 'n/a';
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line].join('\n');
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** Write the results where CI can pick them up: `dist/bench/results.json` in the project. */
export async function writeResults(results: BenchResults): Promise<string> {
  const dir = fileURLToPath(new URL('../../dist/bench/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = `${dir}results.json`;
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}

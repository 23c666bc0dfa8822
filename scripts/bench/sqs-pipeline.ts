import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createSqsDriver, sqsQueueNames } from '../../shared/queue/sqs/index.ts';
import { topologyOf } from '../../shared/runtime/manifest.ts';
import { createPublisher } from '../../shared/runtime/publisher.ts';
import { BENCH_KIND, benchTaskManifest } from './fixture-task.ts';
import { runBounded, waitUntil, withClient } from './helpers.ts';
import { measureSide, type PipelineSide } from './measure-side.ts';
import { RUNNER_NODE_FLAGS, spawnTsx, type BenchChild } from './processes.ts';
import type { BenchRun } from './run.ts';
import { defineSection, rowProblems, versus } from './section.ts';

/**
 * (d) Task pipeline throughput on the SQS driver, against the fauxqs emulator in a child
 * process of its own (its CPU is not the bench's). The same method as (a): N tasks, each
 * committing one row, from the first publish to the Nth committed row, ours (the worker runner
 * on `QUEUE_DRIVER=sqs`, fed through `ctx.queue`) against a bare @aws-sdk/client-sqs + pg
 * worker fed by bare SendMessage calls, with the same concurrency on both sides. Each side's
 * CPU time per process is recorded: the emulator, the worker and the publishers share the cores.
 */
export interface SqsPipelineSide extends PipelineSide {
  /**
   * CPU (user + system) spent during the timed run by the emulator (close to `seconds`: it was
   * the bottleneck), the worker, and the bench process (mostly its publishers). On a busy
   * machine these vary less than the wall time, and they show where each side's time goes.
   */
  cpuSeconds: { emulator: number; worker: number; publisher: number };
}

export interface SqsPipelineResult {
  tasks: number;
  publishConcurrency: number;
  /** Sent, received and deleted before the first side (see warmUp). */
  warmUpMessages: number;
  ours: SqsPipelineSide;
  raw: SqsPipelineSide;
}

export default defineSection({
  name: 'sqs-pipeline',
  description: (s) => `${s.sqsTasks} tasks through the fauxqs SQS emulator, raw then ours`,
  needs: ['postgres'],
  run: benchSqsPipeline,
  report: (result) => ({
    figures: [
      versus(
        `task pipeline on sqs (fauxqs), ${result.tasks} tasks`,
        'tasks/s',
        result.ours.tasksPerSecond,
        result.raw.tasksPerSecond,
      ),
    ],
    details: [
      `ours ${result.ours.seconds.toFixed(2)} s, raw ${result.raw.seconds.toFixed(2)} s; CPU s (emulator/worker/publishers) ` +
        `ours ${describeCpu(result.ours)}, raw ${describeCpu(result.raw)}; worker peak RSS ours ` +
        `${result.ours.workerPeakRssMb} MB, raw ${result.raw.workerPeakRssMb} MB.`,
    ],
    problems: rowProblems(result.tasks, { ours: result.ours, raw: result.raw }),
  }),
});

function describeCpu({ cpuSeconds: cpu }: SqsPipelineSide): string {
  return [cpu.emulator, cpu.worker, cpu.publisher].map((seconds) => seconds.toFixed(2)).join('/');
}

const REGION = 'us-east-1';
/** fauxqs accepts any credentials; the SDK only needs some, instead of searching the machine. */
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

// The raw inbox has the same shape and keys as the platform's `inbox` table. Ours writes the
// fixture's `task_effects`, which (a) created and filled: emptied here, with the platform
// inbox, so both sides start from empty tables.
const TABLES_SQL = `
  create table sqs_raw_inbox (
    message_id uuid not null, queue text not null, kind text not null,
    processed_at timestamptz not null default now(), primary key (message_id, queue));
  create index sqs_raw_inbox_processed_at_idx on sqs_raw_inbox (processed_at);
  create table sqs_raw_effects (id bigserial primary key, message_id uuid not null, n integer not null);
  create table if not exists task_effects (id bigserial primary key, message_id uuid not null, n integer not null);
  truncate task_effects, inbox;
`;

/**
 * Our runner's SIGTERM lets the long poll in flight run out (up to 20 s on an idle queue);
 * the figures are taken by then, so the worker gets this long before SIGKILL.
 */
const WORKER_STOP_GRACE_MS = 2_000;

const WARM_UP_MESSAGES = 1_000;

export async function benchSqsPipeline(run: BenchRun): Promise<SqsPipelineResult> {
  const { settings } = run;
  const emulator = await startEmulator();
  try {
    return await withClient(run.databaseUrl, async (db) => {
      await db.query(TABLES_SQL);
      await warmUp(run, emulator);
      const raw = await measureRaw(run, db, emulator);
      const ours = await measureOurs(run, db, emulator);
      return {
        tasks: settings.sqsTasks,
        publishConcurrency: settings.sqsPublishConcurrency,
        warmUpMessages: WARM_UP_MESSAGES,
        ours,
        raw,
      };
    });
  } finally {
    await emulator.stop();
  }
}

async function measureRaw(run: BenchRun, db: pg.Client, emulator: Emulator): Promise<SqsPipelineSide> {
  const client = sqsClient(emulator.endpoint);
  const queueName = `${run.tag}_raw_pipeline`;
  try {
    // The visibility timeout our driver gives its queues; no DLQ, as nothing fails.
    const { QueueUrl: queueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: '30' } }),
    );
    const worker = spawnTsx('scripts/bench/workers/sqs-raw-worker.ts', [], {
      ...workerEnv(run, emulator),
      BENCH_SQS_QUEUE_URL: queueUrl!,
    });
    return await measureSide(
      db,
      worker,
      'sqs_raw_effects',
      async (n) => {
        // The envelope our publisher sends, so both sides move the same body. Ours also sets
        // three message attributes (kind, correlationId, attempt); a bare worker needs none.
        const envelope = createEnvelope({ kind: BENCH_KIND, payload: { n } });
        await client.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(envelope) }),
        );
      },
      sideOptions(run, worker, emulator),
    );
  } finally {
    await deleteQueues(client, [queueName]).catch(reportCleanupFailure);
    client.destroy();
  }
}

async function measureOurs(run: BenchRun, db: pg.Client, emulator: Emulator): Promise<SqsPipelineSide> {
  const { settings, prefix } = run;
  const topology = topologyOf(benchTaskManifest(settings.prefetch));
  const names = sqsQueueNames(prefix);
  const client = sqsClient(emulator.endpoint);
  const driver = createSqsDriver({
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    prefix,
  });
  try {
    // The SQS driver routes a kind to the queues it declared itself (there is no exchange);
    // declaring first also leaves the worker's own declare nothing to create.
    await driver.declare(topology);
    const worker = spawnTsx(
      'scripts/bench/workers/task-worker.ts',
      [],
      { ...workerEnv(run, emulator), BENCH_QUEUE_DRIVER: 'sqs', QUEUE_PREFIX: prefix, BENCH_BATCH: '0' },
      RUNNER_NODE_FLAGS,
    );
    // `ctx.queue` exactly as an HTTP function or a task gets it.
    const publisher = createPublisher(driver, createMetrics());
    return await measureSide(
      db,
      worker,
      'task_effects',
      async (n) => {
        await publisher.publish(BENCH_KIND, { n });
      },
      sideOptions(run, worker, emulator),
    );
  } finally {
    await driver.close();
    await deleteQueues(
      client,
      topology.queues.flatMap((spec) => [names.main(spec.name), names.dlq(spec.name)]),
    ).catch(reportCleanupFailure);
    client.destroy();
  }
}

/**
 * Push messages through the emulator and this process's SDK before the first side runs, so
 * that side does not pay a JIT warm-up the second one skips (the workers are fresh processes
 * on both sides, so they start equal).
 */
async function warmUp(run: BenchRun, emulator: Emulator): Promise<void> {
  const client = sqsClient(emulator.endpoint);
  const queueName = `${run.tag}_warm_up`;
  try {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: queueName }));
    await runBounded(WARM_UP_MESSAGES, run.settings.sqsPublishConcurrency, async (n) => {
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ n }) }));
    });
    const drain = async () => {
      for (;;) {
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) return;
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 5 }, drain));
  } finally {
    await deleteQueues(client, [queueName]).catch(reportCleanupFailure);
    client.destroy();
  }
}

function workerEnv(run: BenchRun, emulator: Emulator): Record<string, string> {
  return {
    DATABASE_URL: run.databaseUrl,
    SQS_ENDPOINT: emulator.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    BENCH_PREFETCH: String(run.settings.prefetch),
    BENCH_POOL: String(run.settings.poolSize),
    // Per-message info logs would measure the log pipe, not the platform.
    LOG_LEVEL: 'warn',
  };
}

function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: REGION, endpoint, credentials: CREDENTIALS });
}

/** Delete queues by name; one that does not exist (never created, already gone) is skipped. */
async function deleteQueues(client: SQSClient, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
      await client.send(new DeleteQueueCommand({ QueueUrl }));
    } catch (err) {
      if ((err as { name?: unknown }).name !== 'QueueDoesNotExist') throw err;
    }
  }
}

// A failed cleanup is reported, never thrown: it would hide the error that led to it.
const reportCleanupFailure = (err: unknown) => console.error('bench cleanup failed:', err);

// ---------------------------------------------------------------------------------------
// The emulator child.

export interface Emulator {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Start fauxqs in a Node process of its own, on a port the OS picks. Not through its CLI:
 * that hard-codes `logger: true` (FAUXQS_LOGGER is ignored), and a JSON line per request
 * would cost the emulator CPU and fill the bench's pipe. Killed with the bench however the
 * bench ends: `stop()` here, or the 'exit' handler on Ctrl-C.
 */
export async function startEmulator(): Promise<Emulator> {
  const code = [
    `const { startFauxqs } = await import(${JSON.stringify(import.meta.resolve('fauxqs'))});`,
    `const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });`,
    `console.log('listening ' + server.port);`,
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '--eval', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = once(child, 'exit');
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const stop = async () => {
    process.off('exit', killOnExit);
    if (hasExited) return;
    child.kill('SIGTERM');
    await exited;
  };
  try {
    let port: string | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      port ??= /^listening (\d+)$/.exec(line)?.[1];
    });
    await waitUntil(
      () => {
        if (hasExited) throw new Error('the fauxqs emulator exited before it listened');
        return port !== undefined;
      },
      { timeoutMs: 30_000, what: 'the fauxqs emulator to listen' },
    );
    const endpoint = `http://127.0.0.1:${port}`;
    await waitUntil(
      async () =>
        fetch(`${endpoint}/health`).then(
          (response) => response.ok,
          () => false,
        ),
      { timeoutMs: 10_000, what: `${endpoint}/health` },
    );
    return {
      endpoint,
      pid: child.pid!,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Both sides alike: the SQS task count and publish concurrency, and the CPU of emulator and worker. */
const sideOptions = (run: BenchRun, worker: BenchChild, emulator: Emulator) => ({
  tasks: run.settings.sqsTasks,
  publishConcurrency: run.settings.sqsPublishConcurrency,
  stopGraceMs: WORKER_STOP_GRACE_MS,
  cpuOf: { emulator: emulator.pid, worker: worker.pid },
});

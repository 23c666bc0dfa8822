import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createSqsDriver, sqsQueueNames } from '../../shared/queue/sqs/index.ts';
import { topologyOf } from '../../shared/runtime/manifest.ts';
import { createPublisher } from '../../shared/runtime/publisher.ts';
import { measureDrain, type DrainSide } from './drain.ts';
import { BENCH_KIND, benchTaskManifest } from './fixture-task.ts';
import { runBounded, waitUntil, withClient } from './helpers.ts';
import { describeCpu, PIPELINE_TABLES_SQL } from './pipeline.ts';
import { RUNNER_NODE_FLAGS, spawnTsx } from './processes.ts';
import type { BenchRun } from './run.ts';
import { defineSection, rowProblems, versus } from './section.ts';

/**
 * Task pipeline on the SQS driver, against the fauxqs emulator in a child process of its own:
 * the pipeline section's method (a queue filled with N tasks, each committing one row, drained
 * by the worker and timed), ours (the worker runner on `QUEUE_DRIVER=sqs`, the queue filled
 * through `ctx.queue`) against a bare @aws-sdk/client-sqs + pg worker. No target: the emulator
 * is not SQS, and it takes its share of the two cores (its CPU is the "broker" column).
 */
export interface SqsPipelineResult {
  tasks: number;
  ours: DrainSide;
  raw: DrainSide;
}

export default defineSection({
  name: 'sqs-pipeline',
  description: (s) => `${s.sqsTasks} tasks through the fauxqs SQS emulator, raw then ours`,
  needs: ['postgres'],
  run: benchSqsPipeline,
  report: (result: SqsPipelineResult) => ({
    figures: [
      versus(
        `task pipeline on sqs (fauxqs), ${result.tasks} tasks`,
        'tasks/s',
        result.ours.tasksPerSecond,
        result.raw.tasksPerSecond,
      ),
    ],
    details: [
      `CPU s per 1,000 tasks (worker/emulator/Postgres): ours ${describeCpu(result.ours)}, raw ${describeCpu(result.raw)}; ` +
        `worker peak RSS ours ${result.ours.peakRssMb} MB, raw ${result.raw.peakRssMb} MB.`,
    ],
    problems: rowProblems(result.tasks, { ours: result.ours, raw: result.raw }),
  }),
});

const REGION = 'us-east-1';
/** fauxqs accepts any credentials; the SDK only needs some, instead of searching the machine. */
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Our runner's SIGTERM lets the long poll in flight run out (up to 20 s on an idle queue);
 * the figures are taken by then, so the worker gets this long before SIGKILL.
 */
const WORKER_STOP_GRACE_MS = 2_000;

async function benchSqsPipeline(run: BenchRun): Promise<SqsPipelineResult> {
  const emulator = await startEmulator();
  try {
    return await withClient(run.databaseUrl, async (db) => {
      // The raw worker writes the pipeline section's raw tables, ours the fixture's.
      await db.query(PIPELINE_TABLES_SQL);
      const raw = await measureRaw(run, db, emulator);
      const ours = await measureOurs(run, db, emulator);
      return { tasks: run.settings.sqsTasks, ours, raw };
    });
  } finally {
    await emulator.stop();
  }
}

/** Fill a queue with every task, `sqsPublishConcurrency` SendMessage calls in flight. */
const fill = (run: BenchRun, send: (n: number) => Promise<unknown>) =>
  runBounded(run.settings.sqsTasks, run.settings.sqsPublishConcurrency, async (n) => void (await send(n)));

async function measureRaw(run: BenchRun, db: pg.Client, emulator: Emulator): Promise<DrainSide> {
  const client = sqsClient(emulator.endpoint);
  const queueName = `${run.tag}_raw_pipeline`;
  try {
    await db.query('truncate raw_inbox, raw_effects restart identity');
    // The visibility timeout our driver gives its queues; no DLQ, as nothing fails.
    const { QueueUrl: queueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: '30' } }),
    );
    // The envelope our publisher sends, so both sides move the same body. Ours also sets three
    // message attributes (kind, correlationId, attempt); a bare worker needs none.
    await fill(run, (n) => {
      const body = JSON.stringify(createEnvelope({ kind: BENCH_KIND, payload: { n } }));
      return client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    });
    return await measureDrain(db, {
      table: 'raw_effects',
      tasks: run.settings.sqsTasks,
      database: run.tag,
      brokerPids: [emulator.pid],
      startWorker: () =>
        spawnTsx('scripts/bench/workers/sqs-raw-worker.ts', [], {
          ...workerEnv(run, emulator),
          BENCH_SQS_QUEUE_URL: queueUrl!,
        }),
      stopGraceMs: WORKER_STOP_GRACE_MS,
    });
  } finally {
    await deleteQueues(client, [queueName]).catch(reportCleanupFailure);
    client.destroy();
  }
}

async function measureOurs(run: BenchRun, db: pg.Client, emulator: Emulator): Promise<DrainSide> {
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
    await db.query('truncate task_effects, inbox restart identity');
    // The SQS driver routes a kind to the queues it declared itself (there is no exchange);
    // declaring first also leaves the worker's own declare nothing to create.
    await driver.declare(topology);
    // `ctx.queue` exactly as an HTTP function or a task gets it.
    const publisher = createPublisher(driver, createMetrics());
    await fill(run, (n) => publisher.publish(BENCH_KIND, { n }));
    return await measureDrain(db, {
      table: 'task_effects',
      tasks: settings.sqsTasks,
      database: run.tag,
      brokerPids: [emulator.pid],
      startWorker: () =>
        spawnTsx(
          'scripts/bench/workers/task-worker.ts',
          [],
          { ...workerEnv(run, emulator), BENCH_QUEUE_DRIVER: 'sqs', QUEUE_PREFIX: prefix, BENCH_BATCH: '0' },
          RUNNER_NODE_FLAGS,
        ),
      stopGraceMs: WORKER_STOP_GRACE_MS,
    });
  } finally {
    await driver.close();
    await deleteQueues(
      client,
      topology.queues.flatMap((spec) => [names.main(spec.name), names.dlq(spec.name)]),
    ).catch(reportCleanupFailure);
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

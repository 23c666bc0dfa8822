import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createSqsDriver, sqsQueueNames } from '../../shared/queue/sqs/index.ts';
import { topologyOf } from '../../shared/runtime/manifest.ts';
import { describeCpu, measureDrain } from './drain.ts';
import { BENCH_KIND, benchTaskManifest, fillThroughPlatform } from './fixture-task.ts';
import { runBounded, waitUntil, withClient } from './helpers.ts';
import { PIPELINE_TABLES_SQL, rawWorker, taskWorker } from './pipeline.ts';
import { spawnProcess, type BenchChild } from './processes.ts';
import type { BenchRun } from './run.ts';
import { defineSection, rowProblems, versus } from './section.ts';

/**
 * The pipeline section's method on the SQS driver, against the fauxqs emulator in a child
 * process: ours (the worker runner on `QUEUE_DRIVER=sqs`, filled through `ctx.queue`) against a
 * bare @aws-sdk/client-sqs + pg worker. No target: the emulator is not SQS, and it takes its share
 * of the two cores (its CPU is the "broker" column).
 */
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
      `CPU s per 1,000 tasks (worker/emulator/Postgres): ours ${describeCpu(result.ours)}, raw ${describeCpu(result.raw)}; ` +
        `worker peak RSS ours ${result.ours.peakRssMb} MB, raw ${result.raw.peakRssMb} MB.`,
    ],
    problems: rowProblems(result.tasks, { ours: result.ours, raw: result.raw }),
  }),
});

const REGION = 'us-east-1';
/** fauxqs accepts any credentials; the SDK only needs some, instead of searching the machine. */
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

async function benchSqsPipeline(run: BenchRun) {
  const { sqsTasks: tasks, sqsPublishConcurrency: concurrency, prefetch } = run.settings;
  const emulator = await startEmulator();
  const client = new SQSClient({ region: REGION, endpoint: emulator.endpoint, credentials: CREDENTIALS });
  const rawQueue = `${run.tag}_raw_pipeline`;
  const manifest = benchTaskManifest(prefetch);
  const names = sqsQueueNames(run.prefix);
  const env = {
    SQS_ENDPOINT: emulator.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  try {
    return await withClient(run.databaseUrl, async (db) => {
      await db.query(PIPELINE_TABLES_SQL);
      const drain = (tables: string[], fill: () => Promise<void>, startWorker: () => BenchChild) =>
        measureDrain(db, {
          tables,
          tasks,
          fill,
          database: run.tag,
          brokerPids: [emulator.pid],
          startWorker,
          // Our runner's SIGTERM lets the long poll in flight run out (up to 20 s); the figures are taken by then.
          stopGraceMs: 2_000,
        });

      // The visibility timeout our driver gives its queues; no DLQ, as nothing fails.
      const { QueueUrl: queueUrl } = await client.send(
        new CreateQueueCommand({ QueueName: rawQueue, Attributes: { VisibilityTimeout: '30' } }),
      );
      const raw = await drain(
        ['raw_effects', 'raw_inbox'],
        // The envelope our publisher sends; its three message attributes a bare worker does not need.
        () =>
          runBounded(tasks, concurrency, (n) => {
            const body = JSON.stringify(createEnvelope({ kind: BENCH_KIND, payload: { n } }));
            return client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
          }),
        rawWorker(run, { ...env, BENCH_SQS_QUEUE_URL: queueUrl! }),
      );
      const driver = createSqsDriver({
        endpoint: emulator.endpoint,
        region: REGION,
        credentials: CREDENTIALS,
        prefix: run.prefix,
      });
      const ours = await drain(
        ['task_effects', 'inbox'],
        () => fillThroughPlatform(driver, manifest, { count: tasks, concurrency }),
        taskWorker(run, { ...env, BENCH_QUEUE_DRIVER: 'sqs', BENCH_BATCH: '0' }),
      );
      return { tasks, ours, raw };
    });
  } finally {
    const ours = topologyOf(manifest).queues.flatMap((spec) => [names.main(spec.name), names.dlq(spec.name)]);
    await deleteQueues(client, [rawQueue, ...ours]).catch((err: unknown) =>
      console.error('bench cleanup failed:', err),
    );
    client.destroy();
    await emulator.stop();
  }
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

/**
 * Start fauxqs in a Node process of its own, on a port the OS picks. Not through its CLI: that
 * hard-codes `logger: true`, and a JSON line per request would cost the emulator CPU.
 */
export async function startEmulator(): Promise<{ endpoint: string; pid: number; stop(): Promise<void> }> {
  const code = [
    `const { startFauxqs } = await import(${JSON.stringify(import.meta.resolve('fauxqs'))});`,
    `const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });`,
    `console.log('listening ' + server.port);`,
  ].join('\n');
  const child = spawnProcess(process.execPath, ['--input-type=module', '--eval', code], {});
  try {
    const [, port] = await child.waitForLine(/^listening (\d+)$/, 30_000);
    const endpoint = `http://127.0.0.1:${port}`;
    const healthy = () =>
      fetch(`${endpoint}/health`).then(
        (response) => response.ok,
        () => false,
      );
    await waitUntil(healthy, { timeoutMs: 10_000, what: `${endpoint}/health` });
    return { endpoint, pid: child.pid, stop: () => child.stop() };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { Channel, GetMessage } from 'amqplib';
import pg from 'pg';
import { topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import { loadManifest, queueName, topologyOf } from '../../shared/runtime/manifest.ts';
import {
  declareRawRoute,
  describeHeap,
  elapsedSeconds,
  rawConfirmPublisher,
  runnerHeapStats,
  withConfirmChannel,
  type HeapStats,
  type RawRoute,
} from './helpers.ts';
import { RUNNER_NODE_FLAGS, spawnTsx } from './processes.ts';
import { createPgDb } from '../../shared/db/pg.ts';
import { benchAdmin } from './cold-start.ts';
import { peakRssMb } from './proc.ts';
import { platformBrokerObjects, type BenchRun } from './run.ts';
import { alone, defineSection, versus } from './section.ts';

/**
 * (b) Enqueue: `POST /gradcafe/pull-data` against the real runner (`scripts/start.ts --role
 * web` in a child process, on the bench database and its own queue prefix) under autocannon,
 * against bare amqplib publishing the very same message with confirms, at the same
 * concurrency, for the same time. Also reads the runner's peak RSS (c) at the end of its run.
 *
 * The route does more than publish: it records a job row first (one commit). A second,
 * informational baseline does exactly that work bare (insert + publish), which splits the
 * gap to the target into what the design costs and what the platform's layers cost.
 */
export interface EnqueueResult {
  durationSeconds: number;
  connections: number;
  ours: {
    /** 2xx answers per second: jobs recorded and their messages confirmed by the broker. */
    requestsPerSecond: number;
    ok: number;
    non2xx: number;
    statusCounts: Record<string, number>;
    errors: number;
    timeouts: number;
    latencyMs: { p50: number; p99: number };
    /** Messages the run left in the task queue: `ok`, plus at most one per connection cut off at the end. */
    messagesQueued: number;
    runnerPeakRssMb: number;
    runnerHeap: HeapStats;
  };
  /** The target's baseline: publish with confirm only. */
  raw: { messagesPerSecond: number; messages: number };
  /** Information: a bare job-row insert (autocommit) and then the same publish. */
  rawWithJobRow: { messagesPerSecond: number; messages: number };
  /** Bytes of the message our route published; the raw baselines publish the same. */
  messageBytes: number;
}

const ROUTE = '/gradcafe/pull-data';
const KIND = 'scrape_new_data';
/** The runner's pool: `createDb` leaves pg at its default of 10 connections. */
const RUNNER_POOL_SIZE = 10;

export default defineSection({
  name: 'enqueue',
  description: (s) =>
    `POST ${ROUTE}, ${s.connections} connections x ${s.durationSeconds} s, ours and the raw sides taking turns`,
  needs: ['postgres', 'rabbitmq'],
  run: benchEnqueue,
  report: (result) => ({
    figures: [
      versus(
        `enqueue POST ${ROUTE} [raw: publish with confirm]`,
        'req/s',
        result.ours.requestsPerSecond,
        result.raw.messagesPerSecond,
        0.4,
      ),
      versus(
        'same [raw: job-row insert + publish with confirm]',
        'req/s',
        result.ours.requestsPerSecond,
        result.rawWithJobRow.messagesPerSecond,
        0.9,
      ),
      alone('peak RSS, runner --role web, end of the run', 'MB', result.ours.runnerPeakRssMb, 200),
    ],
    details: [
      `ours ${result.ours.ok} x 2xx, p50 ${result.ours.latencyMs.p50} ms, p99 ${result.ours.latencyMs.p99} ms, ` +
        `${result.ours.messagesQueued} messages queued; raw ${result.raw.messages} messages of ${result.messageBytes} bytes, ` +
        `raw with job row ${result.rawWithJobRow.messages}; web runner heap ${describeHeap(result.ours.runnerHeap)}.`,
    ],
    problems: enqueueProblems(result),
  }),
});

function enqueueProblems({ ours, connections }: EnqueueResult): string[] {
  const problems: string[] = [];
  if (ours.ok === 0) problems.push('ours: no request succeeded');
  if (ours.non2xx > 0)
    problems.push(`ours: ${ours.non2xx} non-2xx answers ${JSON.stringify(ours.statusCounts)}`);
  if (ours.errors > 0) problems.push(`ours: ${ours.errors} connection errors (${ours.timeouts} timeouts)`);
  // autocannon stops the clock with up to one request per connection still unanswered; those
  // may have queued their message without being counted, so that many extra per slice are expected.
  if (ours.messagesQueued < ours.ok || ours.messagesQueued > ours.ok + ROUNDS * connections) {
    problems.push(`ours: ${ours.ok} requests accepted but ${ours.messagesQueued} messages queued`);
  }
  return problems;
}

/**
 * The sides take turns, ROUNDS slices each, so that load from elsewhere on the machine (it
 * drifts over seconds) falls on every side alike instead of on whichever ran at that moment.
 */
const ROUNDS = 5;

export async function benchEnqueue(run: BenchRun): Promise<EnqueueResult> {
  const { settings, prefix } = run;
  const manifest = await loadManifest();
  run.defer(() => run.deleteBrokerObjects(platformBrokerObjects(prefix, topologyOf(manifest))));
  const task = manifest.tasks.find((entry) => entry.definition.consumes.includes(KIND));
  if (!task) throw new Error(`no task function consumes '${KIND}'; the enqueue benchmark needs one`);
  const taskQueue = topologyNames(prefix).main(queueName(task));
  const sliceSeconds = Math.max(1, Math.round(settings.durationSeconds / ROUNDS));
  const route: RawRoute = {
    exchange: `${prefix}raw.tasks`,
    queue: `${prefix}raw.enqueue`,
    routingKey: 'raw_enqueue',
  };
  run.defer(() => run.deleteBrokerObjects({ queues: [route.queue], exchanges: [route.exchange] }));

  const runner = await startWebRunner(run);
  try {
    return await withConfirmChannel(settings.rabbitmqUrl, (channel) =>
      withJobsPool(run.databaseUrl, async (pool) => {
        await declareRawRoute(channel, route);
        const publish = rawConfirmPublisher(channel, route);
        const slices: autocannon.Result[] = [];
        const raw = { seconds: 0, messages: 0 };
        const rawWithJobRow = { seconds: 0, messages: 0 };
        let sample: GetMessage | undefined;
        for (let round = 0; round < ROUNDS; round++) {
          slices.push(await runner.post(sliceSeconds));
          // The message the route queued, byte for byte, under a fresh id (taken off the queue: counted below).
          sample ??= await takeSample(channel, taskQueue);
          const { contentType, type, headers } = sample.properties;
          const publishSample = () =>
            publish(sample!.content, {
              contentType,
              type,
              headers,
              messageId: randomUUID(),
              mandatory: true,
            });
          add(raw, await repeatFor(settings.connections, sliceSeconds, publishSample));
          add(
            rawWithJobRow,
            await repeatFor(settings.connections, sliceSeconds, async () => {
              await insertJobRow(pool);
              await publishSample();
            }),
          );
          await channel.purgeQueue(route.queue);
        }
        const messagesQueued = (await channel.checkQueue(taskQueue)).messageCount + 1;
        await channel.purgeQueue(taskQueue);
        return {
          durationSeconds: sliceSeconds * ROUNDS,
          connections: settings.connections,
          ours: { ...summarize(slices), messagesQueued, ...(await runner.memory()) },
          raw: { messagesPerSecond: raw.messages / raw.seconds, messages: raw.messages },
          rawWithJobRow: {
            messagesPerSecond: rawWithJobRow.messages / rawWithJobRow.seconds,
            messages: rawWithJobRow.messages,
          },
          messageBytes: sample!.content.length,
        };
      }),
    );
  } finally {
    await runner.stop();
  }
}

const add = (total: { seconds: number; messages: number }, part: { seconds: number; messages: number }) => {
  total.seconds += part.seconds;
  total.messages += part.messages;
};

/** The slices of autocannon as one result; latencies: the median slice's p50, the worst p99. */
function summarize(slices: autocannon.Result[]) {
  const sum = (pick: (r: autocannon.Result) => number) => slices.reduce((n, r) => n + pick(r), 0);
  const statusCounts: Record<string, number> = {};
  for (const slice of slices) {
    for (const [status, stats] of Object.entries(slice.statusCodeStats ?? {})) {
      statusCounts[status] = (statusCounts[status] ?? 0) + (stats.count ?? 0);
    }
  }
  const p50s = slices.map((r) => r.latency.p50).sort((a, b) => a - b);
  return {
    requestsPerSecond: sum((r) => r['2xx']) / sum((r) => r.duration),
    ok: sum((r) => r['2xx']),
    non2xx: sum((r) => r.non2xx),
    statusCounts,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    latencyMs: {
      p50: p50s[Math.floor(p50s.length / 2)]!,
      p99: Math.max(...slices.map((r) => r.latency.p99)),
    },
  };
}

/** The runner as production starts it (`scripts/start.ts --role web`), and an admin's token for the route. */
async function startWebRunner(run: BenchRun) {
  const { settings } = run;
  // The route needs an admin: a key pair of the run's own, and a token issued with it.
  const secrets = {
    JWT_SECRET: randomBytes(48).toString('base64url'),
    SESSION_SECRET: randomBytes(48).toString('base64url'),
  };
  const adminDb = createPgDb(run.databaseUrl, { max: 1 });
  const token = await benchAdmin(adminDb, secrets)
    .then((admin) => admin.token())
    .finally(() => adminDb.close());
  const runner = spawnTsx(
    'scripts/start.ts',
    ['--role', 'web'],
    {
      ...secrets,
      DATABASE_URL: run.databaseUrl,
      RABBITMQ_URL: settings.rabbitmqUrl,
      QUEUE_DRIVER: 'rabbitmq',
      QUEUE_PREFIX: run.prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      // An info line per request would measure the log pipe; production may well log at info.
      LOG_LEVEL: 'warn',
    },
    RUNNER_NODE_FLAGS,
  );
  try {
    const [, url] = await runner.waitForLine(/^\s*url\s+(http:\/\/\S+)/, 60_000);
    return {
      post: (seconds: number) =>
        autocannon({
          url: new URL(ROUTE, url).href,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            authorization: `Bearer ${token}`,
          },
          body: '{}',
          connections: settings.connections,
          duration: seconds,
        }),
      memory: async () => ({
        runnerPeakRssMb: await peakRssMb(runner.pid),
        runnerHeap: await runnerHeapStats(url!),
      }),
      stop: () => runner.stop(),
    };
  } catch (err) {
    await runner.stop();
    throw err;
  }
}

/** One message the route queued, taken off its queue, to copy for the baselines. */
async function takeSample(channel: Channel, queue: string): Promise<GetMessage> {
  const sample = await channel.get(queue, { noAck: true });
  if (!sample) throw new Error(`the route queued nothing in ${queue}: did every request fail?`);
  return sample;
}

/**
 * `connections` concurrent loops, each running `operation` and awaiting it before the next
 * (as an autocannon connection waits for its answer), for `seconds`.
 */
async function repeatFor(
  connections: number,
  seconds: number,
  operation: () => Promise<void>,
): Promise<{ seconds: number; messages: number }> {
  let messages = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  const loop = async () => {
    while (Date.now() < deadline) {
      await operation();
      messages += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return { seconds: elapsedSeconds(started), messages };
}

async function withJobsPool<T>(url: string, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({
    connectionString: url,
    max: RUNNER_POOL_SIZE,
    application_name: 'fnstack-bench',
  });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** The row `ctx.jobs.trigger` writes before it publishes. */
async function insertJobRow(pool: pg.Pool): Promise<void> {
  const id = randomUUID();
  await pool.query(
    `insert into jobs (id, kind, status, payload, correlation_id) values ($1, $2, 'queued', $3, $4)`,
    [id, KIND, '{}', id],
  );
}

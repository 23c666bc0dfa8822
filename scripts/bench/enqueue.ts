import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { GetMessage } from 'amqplib';
import pg from 'pg';
import { topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import { loadManifest, queueName, topologyOf } from '../../shared/runtime/manifest.ts';
import { benchAdmin } from './cold-start.ts';
import {
  declareRawRoute,
  elapsedSeconds,
  insertJobRow,
  rawConfirmPublisher,
  runSecrets,
  withConfirmChannel,
  type RawRoute,
} from './helpers.ts';
import { createPgDb } from '../../shared/db/pg.ts';
import { cpuSecondsOf, peakRssMb } from './proc.ts';
import { RUNNER_NODE_FLAGS, spawnTsx } from './processes.ts';
import { platformBrokerObjects, type BenchRun } from './run.ts';
import { alone, defineSection, versus } from './section.ts';

/**
 * Enqueue: `POST /gradcafe/pull-data` against the real runner (`scripts/start.ts --role web` in a
 * child process, on the bench database and queue prefix) under autocannon, against bare amqplib
 * publishing the very same message with confirms, at the same concurrency, for the same time.
 * Also reads the runner's peak RSS at the end of its run.
 *
 * The route does more than publish: it records a job row first (one commit). A second baseline
 * does exactly that work bare (insert + publish), which splits the gap to the target into what the
 * design costs and what the platform's layers cost. Neither raw side has HTTP, so a third side,
 * the floor, does the route's work behind a bare `node:http` server under the same autocannon
 * (workers/bare-enqueue-server.ts): what is left between it and ours is the platform's own cost.
 */
type EnqueueResult = Awaited<ReturnType<typeof benchEnqueue>>;

const ROUTE = '/gradcafe/pull-data';
const KIND = 'scrape_new_data';
/**
 * The sides take turns, ROUNDS slices each, so that load from elsewhere on the machine (it
 * drifts over seconds) falls on every side alike instead of on whichever ran at that moment.
 */
const ROUNDS = 5;

export default defineSection({
  name: 'enqueue',
  description: (s) =>
    `POST ${ROUTE}, ${s.connections} connections x ${s.durationSeconds} s, ours and the raw sides taking turns`,
  needs: ['postgres', 'rabbitmq'],
  run: benchEnqueue,
  report: (result) => {
    const { ours, raw, rawWithJobRow, floor } = result;
    const heap = ours.runnerHeap;
    return {
      figures: [
        versus(
          `enqueue POST ${ROUTE} [raw: publish with confirm]`,
          'req/s',
          ours.requestsPerSecond,
          raw.messagesPerSecond,
          0.4,
        ),
        versus(
          'same [raw: job-row insert + publish with confirm]',
          'req/s',
          ours.requestsPerSecond,
          rawWithJobRow.messagesPerSecond,
          0.9,
        ),
        versus(
          'same [floor: that work behind a bare node:http server]',
          'req/s',
          ours.requestsPerSecond,
          floor.requestsPerSecond,
        ),
        versus(
          'floor: bare node:http server [raw: job-row insert + publish]',
          'req/s',
          floor.requestsPerSecond,
          rawWithJobRow.messagesPerSecond,
        ),
        versus(
          'server CPU per request [floor: bare node:http server]',
          'us',
          ours.cpuMicrosPerRequest,
          floor.cpuMicrosPerRequest,
        ),
        alone('peak RSS, runner --role web, end of the run', 'MB', ours.runnerPeakRssMb, 200),
      ],
      details: [
        `ours ${ours.ok} x 2xx, p50 ${ours.latencyMs.p50} ms, p99 ${ours.latencyMs.p99} ms, ` +
          `${ours.messagesQueued} messages queued; raw ${raw.messages} messages of ${result.messageBytes} bytes, ` +
          `raw with job row ${rawWithJobRow.messages}; floor ${floor.ok} x 2xx, p50 ${floor.latencyMs.p50} ms; web runner heap ${heap.usedMb} MB used of ` +
          `${heap.totalMb} MB reserved (young generation ${heap.newSpaceMb} MB).`,
      ],
      problems: enqueueProblems(result),
    };
  },
});

function enqueueProblems({ ours, floor, connections }: EnqueueResult): string[] {
  const problems: string[] = [];
  if (floor.ok === 0 || floor.non2xx > 0 || floor.errors > 0) {
    problems.push(`floor: ${floor.ok} x 2xx, ${floor.non2xx} non-2xx, ${floor.errors} connection errors`);
  }
  if (ours.ok === 0) problems.push('ours: no request succeeded');
  if (ours.non2xx > 0)
    problems.push(`ours: ${ours.non2xx} non-2xx answers ${JSON.stringify(ours.statusCounts)}`);
  if (ours.errors > 0) problems.push(`ours: ${ours.errors} connection errors (${ours.timeouts} timeouts)`);
  // autocannon stops the clock with up to one request per connection unanswered; those may have
  // queued their message without being counted, so that many extra per slice are expected.
  if (ours.messagesQueued < ours.ok || ours.messagesQueued > ours.ok + ROUNDS * connections) {
    problems.push(`ours: ${ours.ok} requests accepted but ${ours.messagesQueued} messages queued`);
  }
  return problems;
}

async function benchEnqueue(run: BenchRun) {
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
  // The runner's pool: `createDb` leaves pg at its default of 10 connections.
  const pool = new pg.Pool({ connectionString: run.databaseUrl, max: 10, application_name: 'fnstack-bench' });
  run.defer(() => pool.end());

  const runner = await startWebRunner(run);
  const floor = await startBareServer(run, route).catch(async (err: unknown) => {
    await runner.stop();
    throw err;
  });
  try {
    return await withConfirmChannel(settings.rabbitmqUrl, async (channel) => {
      await declareRawRoute(channel, route);
      const publish = rawConfirmPublisher(channel, route);
      const slices: Slice[] = [];
      const raw = { seconds: 0, messages: 0 };
      const rawWithJobRow = { seconds: 0, messages: 0 };
      const turn = async (total: typeof raw, operation: () => Promise<void>) => {
        const part = await repeatFor(settings.connections, sliceSeconds, operation);
        total.seconds += part.seconds;
        total.messages += part.messages;
      };
      let sample: GetMessage | false = false;
      const floorSlices: Slice[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        slices.push(await runner.post(sliceSeconds));
        floorSlices.push(await floor.post(sliceSeconds));
        // The message the route queued, byte for byte, under a fresh id (taken off the queue: counted below).
        sample ||= await channel.get(taskQueue, { noAck: true });
        if (!sample) throw new Error(`the route queued nothing in ${taskQueue}: did every request fail?`);
        const { content, properties } = sample;
        const { contentType, type, headers } = properties;
        const publishSample = () =>
          publish(content, { contentType, type, headers, messageId: randomUUID(), mandatory: true });
        await turn(raw, publishSample);
        await turn(rawWithJobRow, async () => {
          await insertJobRow(pool, randomUUID(), KIND, '{}');
          await publishSample();
        });
        await channel.purgeQueue(route.queue);
      }
      const messagesQueued = (await channel.checkQueue(taskQueue)).messageCount + 1;
      await channel.purgeQueue(taskQueue);
      const rate = ({ seconds, messages }: typeof raw) => ({
        messagesPerSecond: messages / seconds,
        messages,
      });
      return {
        durationSeconds: sliceSeconds * ROUNDS,
        connections: settings.connections,
        // messagesQueued: `ok`, plus at most one per connection cut off per slice.
        ours: { ...summarize(slices), messagesQueued, ...(await runner.memory()) },
        floor: summarize(floorSlices),
        // The target's baseline: publish with confirm only.
        raw: rate(raw),
        // Information: a bare job-row insert (autocommit) and then the same publish.
        rawWithJobRow: rate(rawWithJobRow),
        messageBytes: sample ? sample.content.length : 0,
      };
    });
  } finally {
    await Promise.all([runner.stop(), floor.stop()]);
  }
}

/** The slices of autocannon as one result; latencies: the median slice's p50, the worst p99. */
function summarize(slices: Slice[]) {
  const sum = (pick: (r: Slice) => number) => slices.reduce((n, r) => n + pick(r), 0);
  const statusCounts: Record<string, number> = {};
  for (const slice of slices) {
    for (const [status, stats] of Object.entries(slice.statusCodeStats ?? {})) {
      statusCounts[status] = (statusCounts[status] ?? 0) + (stats.count ?? 0);
    }
  }
  const p50s = slices.map((r) => r.latency.p50).sort((a, b) => a - b);
  return {
    /** 2xx answers per second: jobs recorded and their messages confirmed by the broker. */
    requestsPerSecond: sum((r) => r['2xx']) / sum((r) => r.duration),
    ok: sum((r) => r['2xx']),
    /** The server's CPU (user + system) per 2xx answer. */
    cpuMicrosPerRequest: (sum((r) => r.serverCpuSeconds) / sum((r) => r['2xx'])) * 1e6,
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
  // The route needs an admin: a key pair of the run's own, and a token issued with it.
  const secrets = runSecrets();
  const adminDb = createPgDb(run.databaseUrl, { max: 1 });
  const token = await benchAdmin(adminDb, secrets)
    .then((admin) => admin.token())
    .finally(() => adminDb.close());
  const env = {
    ...secrets,
    DATABASE_URL: run.databaseUrl,
    RABBITMQ_URL: run.settings.rabbitmqUrl,
    QUEUE_DRIVER: 'rabbitmq',
    QUEUE_PREFIX: run.prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    // An info line per request would measure the log pipe; production may well log at info.
    LOG_LEVEL: 'warn',
  };
  const runner = spawnTsx('scripts/start.ts', ['--role', 'web'], env, RUNNER_NODE_FLAGS);
  try {
    const [, url] = await runner.waitForLine(LISTENING, 60_000);
    return {
      post: poster(new URL(ROUTE, url).href, run.settings.connections, runner.pid, {
        authorization: `Bearer ${token}`,
      }),
      memory: async () => ({ runnerPeakRssMb: await peakRssMb(runner.pid), runnerHeap: await heapOf(url!) }),
      stop: () => runner.stop(),
    };
  } catch (err) {
    await runner.stop();
    throw err;
  }
}

const LISTENING = /^\s*url\s+(http:\/\/\S+)/;

/** The HTTP floor, publishing to the raw route (purged after every round like the raw sides'). */
async function startBareServer(run: BenchRun, route: RawRoute) {
  const server = spawnTsx('scripts/bench/workers/bare-enqueue-server.ts', [], {
    DATABASE_URL: run.databaseUrl,
    RABBITMQ_URL: run.settings.rabbitmqUrl,
    BENCH_EXCHANGE: route.exchange,
    BENCH_QUEUE: route.queue,
    BENCH_ROUTING_KEY: route.routingKey,
    BENCH_KIND: KIND,
  });
  try {
    const [, url] = await server.waitForLine(LISTENING, 60_000);
    return {
      post: poster(new URL(ROUTE, url).href, run.settings.connections, server.pid),
      stop: () => server.stop(),
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

type Slice = autocannon.Result & { serverCpuSeconds: number };

/**
 * `seconds` of autocannon POSTing `{}` to `url` over `connections` connections, with the CPU the
 * server (`pid`) spent meanwhile: per request, steadier than req/s on a machine that is busy.
 */
const poster =
  (url: string, connections: number, pid: number, headers: Record<string, string> = {}) =>
  async (seconds: number): Promise<Slice> => {
    const cpuBefore = await cpuSecondsOf(pid);
    const result = await autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: '{}',
      connections,
      duration: seconds,
    });
    return { ...result, serverCpuSeconds: (await cpuSecondsOf(pid)) - cpuBefore };
  };

/** The heap gauges prom-client exports by default: live data against heap the GC has not given back. */
async function heapOf(baseUrl: string) {
  const text = await (await fetch(new URL('/metrics', baseUrl))).text();
  const gauge = (name: string) => {
    const value = new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1];
    if (value === undefined) throw new Error(`${baseUrl}/metrics has no ${name}`);
    return Math.round(Number(value) / 2 ** 20);
  };
  return {
    totalMb: gauge('nodejs_heap_size_total_bytes'),
    usedMb: gauge('nodejs_heap_size_used_bytes'),
    newSpaceMb: gauge('nodejs_heap_space_size_total_bytes{space="new"}'),
  };
}

/**
 * `connections` concurrent loops, each awaiting `operation` before the next (as an autocannon
 * connection waits for its answer), for `seconds`.
 */
async function repeatFor(connections: number, seconds: number, operation: () => Promise<void>) {
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

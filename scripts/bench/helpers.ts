import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import amqp, { type Channel, type ConfirmChannel, type Options } from 'amqplib';
import pg from 'pg';

/**
 * Small tools every benchmark shares: a database and broker names of the run's own, bounded
 * concurrency, waiting for a condition, and peak memory of a process.
 */

/** A short random tag (`bench3f9a1c2e`) naming this run's database and broker namespace. */
export function runTag(): string {
  return `bench${randomBytes(4).toString('hex')}`;
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Create an empty database for this run, so figures are not skewed by (and do not leave
 * anything in) databases other people use. `drop` terminates leftover sessions first:
 * a killed child may still hold connections.
 */
export async function createBenchDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new TypeError(`not a safe database name: '${name}'`);
  // CREATE/DROP DATABASE take no bind parameters; the name is checked above instead.
  await withClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/**
 * The failures of an operation reach its caller as a rejected promise; pg and amqplib also emit
 * 'error' on the client or connection (e.g. when teardown drops the database under a polling
 * client), and without a listener Node would kill the bench before it finished cleaning up.
 */
const ignoreErrorEvent = () => undefined;

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'fnstack-bench' });
  client.on('error', ignoreErrorEvent);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Run `task(0 .. count-1)` with at most `limit` in flight; rejects on the first failure.
 *
 * @example
 *   await runBounded(20_000, 500, (i) => publish(i));
 */
export async function runBounded(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}

/** Poll `condition` every `intervalMs` until it is true; throws after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/** What V8's heap looked like in a runner, to tell live data from heap the GC has not given back. */
export interface HeapStats {
  /** Heap reserved by V8 (all spaces), and the part holding objects. */
  totalMb: number;
  usedMb: number;
  /** The young generation's reservation: it scales with the machine's memory, not with load. */
  newSpaceMb: number;
}

/** Read the heap gauges prom-client exports by default from a runner's `/metrics`. */
export async function runnerHeapStats(baseUrl: string): Promise<HeapStats> {
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

/** `41 MB used of 60 MB reserved (young generation 16 MB)`: what V8 held behind a peak RSS. */
export function describeHeap(heap: HeapStats): string {
  return `${heap.usedMb} MB used of ${heap.totalMb} MB reserved (young generation ${heap.newSpaceMb} MB)`;
}

export const elapsedSeconds = (startedAt: bigint) => Number(process.hrtime.bigint() - startedAt) / 1e9;

// ---------------------------------------------------------------------------------------
// Bare amqplib, for the raw baselines and for cleaning up.

/**
 * The broker shape the raw baselines publish into: a durable direct exchange with one durable
 * QUORUM queue bound by routing key — what our driver declares per task function, minus the
 * retry and dead-letter queues that stay idle while nothing fails.
 */
export interface RawRoute {
  exchange: string;
  queue: string;
  routingKey: string;
}

export async function declareRawRoute(channel: Channel, route: RawRoute): Promise<void> {
  await channel.assertExchange(route.exchange, 'direct', { durable: true });
  await channel.assertQueue(route.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(route.queue, route.exchange, route.routingKey);
}

/**
 * Publish persistent messages to `route`, each resolving when the broker confirms it. Like
 * our driver, every caller shares the one confirm channel, and when the socket buffer is full
 * (`publish` returns false) later publishes wait for 'drain' rather than pile up in memory.
 */
export function rawConfirmPublisher(channel: ConfirmChannel, route: RawRoute) {
  let drained: Promise<void> | null = null;
  return async function publish(content: Buffer, options: Options.Publish = {}): Promise<void> {
    while (drained) await drained;
    await new Promise<void>((resolve, reject) => {
      const accepted = channel.publish(
        route.exchange,
        route.routingKey,
        content,
        { persistent: true, contentType: 'application/json', ...options },
        (err: unknown) =>
          err ? reject(new Error('the broker nacked a raw publish', { cause: err })) : resolve(),
      );
      if (!accepted && !drained) {
        drained = once(channel, 'drain').then(() => {
          drained = null;
        });
      }
    });
  };
}

/** Run `work` on a confirm channel of a connection of its own, closed afterwards. */
export async function withConfirmChannel<T>(
  url: string,
  work: (channel: ConfirmChannel) => Promise<T>,
): Promise<T> {
  const connection = await amqp.connect(url);
  connection.on('error', ignoreErrorEvent);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', ignoreErrorEvent);
    return await work(channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Delete queues and exchanges; deleting one that does not exist is a no-op for the broker. */
export async function deleteBrokerObjects(
  url: string,
  names: { queues: string[]; exchanges: string[] },
): Promise<void> {
  const connection = await amqp.connect(url);
  connection.on('error', ignoreErrorEvent);
  try {
    const channel = await connection.createChannel();
    channel.on('error', ignoreErrorEvent);
    for (const queue of names.queues) await channel.deleteQueue(queue);
    for (const exchange of names.exchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

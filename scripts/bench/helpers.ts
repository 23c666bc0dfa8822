import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import amqp, { type Channel, type ConfirmChannel, type Options } from 'amqplib';
import pg from 'pg';

/** Small tools every benchmark shares: a database client, bounded concurrency, waiting, bare amqplib. */

/**
 * Failures reach the caller as rejected promises; pg and amqplib also emit 'error' (e.g. when
 * teardown drops the database under a polling client), and unheard it would kill the bench mid-cleanup.
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

/** Run `task(0 .. count-1)` with at most `limit` in flight; rejects on the first failure. */
export async function runBounded(count: number, limit: number, task: (index: number) => Promise<unknown>) {
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

/** A key pair of the run's own for the runners it starts, so no secret of the machine's .env is needed. */
export const runSecrets = () => ({
  JWT_SECRET: randomBytes(48).toString('base64url'),
  SESSION_SECRET: randomBytes(48).toString('base64url'),
});

/** The row `ctx.jobs.trigger` writes before it publishes, written bare: the enqueue baselines' insert. */
export async function insertJobRow(db: pg.Pool, id: string, kind: string, payload: string): Promise<void> {
  await db.query(
    `insert into jobs (id, kind, status, payload, correlation_id) values ($1, $2, 'queued', $3, $4)`,
    [id, kind, payload, id],
  );
}

export const elapsedSeconds = (startedAt: bigint) => Number(process.hrtime.bigint() - startedAt) / 1e9;

/**
 * Where the raw baselines publish: a durable direct exchange and one durable QUORUM queue bound
 * by routing key, what our driver declares per task, minus the retry queues idle while nothing fails.
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
 * Persistent publishes to `route`, each resolving on the broker's confirm. Like our driver, all
 * share one confirm channel, and once the socket buffer is full they wait for 'drain'.
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
      if (!accepted && !drained) drained = once(channel, 'drain').then(() => void (drained = null));
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

/** Declare `route` and fill its queue with `count` messages, `concurrency` confirms awaited at once. */
export async function fillRawQueue(
  url: string,
  route: RawRoute,
  { count, concurrency }: { count: number; concurrency: number },
  message: (n: number) => { content: Buffer; options: Options.Publish },
): Promise<void> {
  await withConfirmChannel(url, async (channel) => {
    await declareRawRoute(channel, route);
    const publish = rawConfirmPublisher(channel, route);
    await runBounded(count, concurrency, async (n) => {
      const { content, options } = message(n);
      await publish(content, options);
    });
  });
}

/** Delete queues and exchanges; deleting one that does not exist is a no-op for the broker. */
export async function deleteBrokerObjects(url: string, names: { queues: string[]; exchanges: string[] }) {
  await withConfirmChannel(url, async (channel) => {
    for (const queue of names.queues) await channel.deleteQueue(queue);
    for (const exchange of names.exchanges) await channel.deleteExchange(exchange);
  });
}

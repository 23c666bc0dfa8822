import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqp, { type Channel, type Options } from 'amqplib';
import { pino, type Logger } from 'pino';
import type { QueueDriver, QueueSpec } from '../../shared/queue/port.ts';
import {
  createRabbitMqDriver,
  topologyNames,
  type RabbitMqDriverOptions,
} from '../../shared/queue/rabbitmq/index.ts';

/**
 * Test helpers for the real broker: isolated namespaces, raw access that bypasses the
 * driver, and closing one driver's connection from the broker side (as an outage would).
 */

export const RABBITMQ_TEST_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const run = promisify(execFile);

/** A fresh name prefix (`t1a2b3c4d.`), so each test file has its own exchange and queues. */
export function uniquePrefix(): string {
  return `t${randomUUID().slice(0, 8)}.`;
}

/** Run `work` on a short-lived channel of a connection of its own. */
export async function withRawChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(RABBITMQ_TEST_URL);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await work(channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Put bytes straight into a queue, e.g. a malformed body the driver would never publish. */
export async function publishRaw(
  queue: string,
  body: Buffer | string,
  options: Options.Publish = {},
): Promise<void> {
  await withRawChannel(async (channel) => {
    channel.sendToQueue(queue, Buffer.isBuffer(body) ? body : Buffer.from(body), {
      persistent: true,
      ...options,
    });
    // A plain channel has no confirms; closing it flushes the publish before the connection goes.
    await channel.close();
  });
}

// Retry tiers are one per attempt; no test policy comes close to this many.
const MAX_RETRY_TIERS = 20;

/**
 * Delete everything a driver declared under `prefix`: the exchange, and for each queue name
 * its main queue, DLQ and retry tiers. Deleting what does not exist is a no-op.
 */
export async function deleteRabbitNamespace(prefix: string, queueNames: string[]): Promise<void> {
  const names = topologyNames(prefix);
  await withRawChannel(async (channel) => {
    for (const queue of queueNames) {
      await channel.deleteQueue(names.main(queue));
      await channel.deleteQueue(names.dlq(queue));
      for (let tier = 1; tier <= MAX_RETRY_TIERS; tier++) await channel.deleteQueue(names.retry(queue, tier));
    }
    await channel.deleteExchange(names.exchange);
  });
}

/**
 * Close, from the broker side, every connection whose `connection_name` client property is
 * `name` (as `rabbitmqctl close_all_connections` would, but without hitting other test
 * files' connections). Needs `rabbitmqctl` on PATH and the rights to run it.
 *
 * @returns how many connections were closed.
 */
export async function closeConnectionsNamed(name: string, reason = 'closed by test'): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q']);
  const marker = `{"connection_name","${name}"}`;
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(marker))
    .map((line) => line.split('\t')[0]!);
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, reason]);
  return pids.length;
}

/** A queue spec with test-sized defaults: one kind named after the queue, fast retries. */
export function testQueueSpec(name: string, overrides: Partial<QueueSpec> = {}): QueueSpec {
  return {
    name,
    kinds: [name.replaceAll('.', '_')],
    concurrency: 4,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 300 },
    ...overrides,
  };
}

const CLOSE_WAIT_MS = 3_000;

export interface StartedDriver {
  driver: QueueDriver;
  prefix: string;
  /** The driver's `connection_name`, for `closeConnectionsNamed`. */
  connectionName: string;
}

/**
 * Drivers on isolated namespaces, torn down together: call `start` in a test and `cleanup`
 * in `afterEach`. Cleanup closes each driver, then deletes its exchange and queues.
 */
export function rabbitDrivers(log: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })) {
  const cleanups: Array<() => Promise<void>> = [];
  return {
    /** A driver on a fresh prefix (or `options.prefix`, to share another driver's namespace). */
    async start(specs: QueueSpec[], options: Partial<RabbitMqDriverOptions> = {}): Promise<StartedDriver> {
      const prefix = options.prefix ?? uniquePrefix();
      const connectionName = `test ${prefix} ${randomUUID()}`;
      const driver = createRabbitMqDriver({
        url: RABBITMQ_TEST_URL,
        prefix,
        connectionName,
        log,
        ...options,
      });
      cleanups.push(async () => {
        // A failed test may leave a handler hanging, and close() drains handlers: do not let
        // that keep the namespace from being deleted.
        await Promise.race([driver.close(), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
        await deleteRabbitNamespace(
          prefix,
          specs.map((spec) => spec.name),
        );
      });
      await driver.declare({ queues: specs });
      return { driver, prefix, connectionName };
    },
    async cleanup(): Promise<void> {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}

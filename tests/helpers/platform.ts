import { pino } from 'pino';
import { afterAll } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import type { FunctionDefinition } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import type { QueueDriver, Topology } from '../../shared/queue/port.ts';
import { buildManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createPlatform, type Platform } from '../../shared/runtime/platform.ts';
import { createRabbitMqDriver } from '../../shared/queue/rabbitmq/index.ts';
import { createTestDb, type DbBackend } from './db.ts';
import { deleteRabbitNamespace, RABBITMQ_TEST_URL, uniquePrefix } from './rabbitmq.ts';
import { createSqsDriver, sqsQueueNames } from '../../shared/queue/sqs/index.ts';
import { sqsTestOptions, startSqsEmulator, type SqsEmulator } from './sqs.ts';

export { RABBITMQ_TEST_URL };

/**
 * The stacks integration tests run the same bodies against: the embedded defaults, and real
 * Postgres with each broker. `retryBaseMs` is the shortest retry delay a broker honours: SQS
 * delays messages in whole seconds.
 */
export const stacks = [
  { name: 'pglite + memory', db: 'pglite', queue: 'memory', retryBaseMs: 100 },
  { name: 'postgres + rabbitmq', db: 'postgres', queue: 'rabbitmq', retryBaseMs: 100 },
  { name: 'postgres + sqs', db: 'postgres', queue: 'sqs', retryBaseMs: 1000 },
] as const satisfies readonly {
  name: string;
  db: DbBackend;
  queue: 'memory' | 'rabbitmq' | 'sqs';
  retryBaseMs: number;
}[];

export type Stack = (typeof stacks)[number];

export const testLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

// One SQS emulator per test file, started the first time a test needs it.
let sqsEmulator: Promise<SqsEmulator> | undefined;
afterAll(async () => {
  await (await sqsEmulator)?.stop();
});

/** The SQS emulator of this test file (started on first use). */
export function testSqsEmulator(): Promise<SqsEmulator> {
  return (sqsEmulator ??= startSqsEmulator());
}

export interface TestDriver {
  driver: QueueDriver;
  /** Environment the platform's config needs to name this driver. */
  env: Record<string, string>;
  /** Close the driver and delete what it declared. */
  cleanup(queueNames: string[]): Promise<void>;
}

export async function createTestDriver(queue: Stack['queue'], prefix = uniquePrefix()): Promise<TestDriver> {
  const env = { QUEUE_DRIVER: queue, QUEUE_PREFIX: prefix, RABBITMQ_URL: RABBITMQ_TEST_URL };
  switch (queue) {
    case 'memory': {
      const driver = createMemoryDriver({ log: testLog });
      return { driver, env, cleanup: () => driver.close() };
    }
    case 'rabbitmq': {
      const driver = createRabbitMqDriver({ url: RABBITMQ_TEST_URL, prefix, log: testLog });
      return {
        driver,
        env,
        async cleanup(queueNames) {
          await driver.close();
          await deleteRabbitNamespace(prefix, queueNames);
        },
      };
    }
    case 'sqs': {
      const emulator = await testSqsEmulator();
      const driver = createSqsDriver({ ...sqsTestOptions(emulator.endpoint, prefix), log: testLog });
      const names = sqsQueueNames(prefix);
      return {
        driver,
        env: { ...env, SQS_ENDPOINT: emulator.endpoint },
        async cleanup(queueNames) {
          await driver.close();
          for (const name of queueNames.flatMap((q) => [names.main(q), names.dlq(q)])) {
            emulator.server.deleteQueue(name);
          }
        },
      };
    }
  }
}

/**
 * A platform over fixture functions, on a fresh database and an isolated queue namespace.
 * `functions` maps a fake file path (`functions/<app>/<name>.ts`) to its definition.
 */
export async function createTestPlatform(
  stack: Stack,
  functions: Record<string, FunctionDefinition>,
  env: Record<string, string> = {},
): Promise<{ platform: Platform; db: Db; close(): Promise<void> }> {
  const testDb = await createTestDb(stack.db);
  const { driver, env: driverEnv, cleanup } = await createTestDriver(stack.queue);
  const manifest = buildManifest(
    Object.entries(functions).map(([file, definition]) => ({ file, module: { default: definition } })),
  );
  const config = loadConfig({ ...env, ...driverEnv });
  const platform = createPlatform({ config, log: testLog, db: testDb.db, driver, manifest });
  await driver.declare(topologyOf(manifest));
  return {
    platform,
    db: testDb.db,
    async close() {
      await cleanup(topologyOf(manifest).queues.map((q) => q.name));
      await testDb.drop();
    },
  };
}

/**
 * A driver whose broker went away after start-up: the topology was declared (where the broker
 * allowed it), then the broker stopped: a memory driver closed, an SQS emulator stopped, or
 * (RabbitMQ) a port nothing listens on.
 */
export async function createUnreachableDriver(
  queue: Stack['queue'],
  topology: Topology,
): Promise<QueueDriver> {
  switch (queue) {
    case 'memory': {
      const driver = createMemoryDriver();
      await driver.declare(topology);
      await driver.close();
      return driver;
    }
    case 'rabbitmq':
      return createRabbitMqDriver({
        url: 'amqp://guest:guest@127.0.0.1:5999',
        log: testLog,
        connectTimeoutMs: 1000,
      });
    case 'sqs': {
      const emulator = await startSqsEmulator();
      const driver = createSqsDriver({ ...sqsTestOptions(emulator.endpoint), log: testLog });
      await driver.declare(topology);
      await emulator.stop();
      return driver;
    }
  }
}

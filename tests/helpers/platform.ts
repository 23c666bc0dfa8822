import { pino } from 'pino';
import { loadConfig } from '../../shared/config.ts';
import type { FunctionDefinition } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { buildManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createPlatform, type Platform } from '../../shared/runtime/platform.ts';
import { createRabbitMqDriver } from '../../shared/queue/rabbitmq/index.ts';
import { createTestDb, type DbBackend } from './db.ts';
import { deleteRabbitNamespace, RABBITMQ_TEST_URL, uniquePrefix } from './rabbitmq.ts';

export { RABBITMQ_TEST_URL };

/** The stacks integration tests run the same bodies against: embedded defaults and the real services. */
export const stacks = [
  { name: 'pglite + memory', db: 'pglite', queue: 'memory' },
  { name: 'postgres + rabbitmq', db: 'postgres', queue: 'rabbitmq' },
] as const satisfies readonly { name: string; db: DbBackend; queue: 'memory' | 'rabbitmq' }[];

export type Stack = (typeof stacks)[number];

export const testLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function createTestDriver(queue: Stack['queue'], prefix = uniquePrefix()): QueueDriver {
  return queue === 'memory'
    ? createMemoryDriver({ log: testLog })
    : createRabbitMqDriver({ url: RABBITMQ_TEST_URL, prefix, log: testLog });
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
  const prefix = uniquePrefix();
  const driver = createTestDriver(stack.queue, prefix);
  const manifest = buildManifest(
    Object.entries(functions).map(([file, definition]) => ({ file, module: { default: definition } })),
  );
  const config = loadConfig({
    ...env,
    QUEUE_DRIVER: stack.queue,
    RABBITMQ_URL: RABBITMQ_TEST_URL,
    QUEUE_PREFIX: prefix,
  });
  const platform = createPlatform({ config, log: testLog, db: testDb.db, driver, manifest });
  await driver.declare(topologyOf(manifest));
  return {
    platform,
    db: testDb.db,
    async close() {
      await driver.close();
      if (stack.queue === 'rabbitmq')
        await deleteRabbitNamespace(
          prefix,
          topologyOf(manifest).queues.map((q) => q.name),
        );
      await testDb.drop();
    },
  };
}

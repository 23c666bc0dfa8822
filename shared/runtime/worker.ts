import { outboxRelayFor } from '../outbox/index.ts';
import type { Consumer } from '../queue/port.ts';
import { queueName, topologyOf } from './manifest.ts';
import type { Platform } from './platform.ts';
import { createTaskProcessor } from './task-processor.ts';

/**
 * Consume every task function's queue, all or none (a failure stops the consumers already started).
 * `stop()` drains in-flight messages before resolving.
 */
export async function startWorker(platform: Platform): Promise<{ stop(): Promise<void> }> {
  const { manifest, driver, db, metrics, log } = platform;
  const specs = new Map(topologyOf(manifest).queues.map((q) => [q.name, q]));
  const consumers: Consumer[] = [];
  for (const entry of manifest.tasks) {
    const spec = specs.get(queueName(entry))!;
    const handler = createTaskProcessor({
      queue: spec.name,
      functionId: entry.id,
      definition: entry.definition,
      db,
      metrics,
      log,
      makeCtx: platform.taskCtx,
    });
    try {
      consumers.push(await driver.consume(spec, handler));
    } catch (err) {
      // All or nothing: a retry of startWorker must not find half of the queues consumed twice.
      await Promise.all(consumers.map((c) => c.stop()));
      throw err;
    }
    log.debug({ queue: spec.name, kinds: spec.kinds, concurrency: spec.concurrency }, 'consuming');
  }
  // What the tasks publish goes through the outbox: the worker sends it once they commit.
  const relay = outboxRelayFor(platform);
  await relay.start();
  return {
    async stop() {
      await Promise.all(consumers.map((c) => c.stop()));
      await relay.stop();
    },
  };
}

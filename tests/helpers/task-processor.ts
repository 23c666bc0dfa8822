import { loadConfig } from '../../shared/config.ts';
import type { TaskDefinition } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createMetrics, type Metrics } from '../../shared/observability/metrics.ts';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import type { Outcome } from '../../shared/queue/port.ts';
import { buildManifest } from '../../shared/runtime/manifest.ts';
import { createPlatform } from '../../shared/runtime/platform.ts';
import { createTaskProcessor } from '../../shared/runtime/task-processor.ts';
import { testLog } from './platform.ts';

/**
 * The consumer core for one task definition on a real database, without a broker: hand it a body,
 * get the outcome a driver would apply. Retry delays are fixed (no jitter) so they can be asserted.
 *
 * @example
 *   const { deliver } = taskProcessorFor(db, 'greet', definition);
 *   expect(await deliver(createEnvelope({ kind: 'greet', payload: { name: 'Ada' } }))).toEqual({ type: 'ack' });
 */
export function taskProcessorFor(
  db: Db,
  name: string,
  definition: TaskDefinition,
): { deliver(body: unknown): Promise<Outcome>; metrics: Metrics } {
  const manifest = buildManifest([{ file: `functions/test/${name}.ts`, module: { default: definition } }]);
  const metrics = createMetrics();
  const platform = createPlatform({
    config: loadConfig({}),
    log: testLog,
    db,
    driver: createMemoryDriver(),
    manifest,
    metrics,
  });
  const queue = `test.${name}`;
  const process = createTaskProcessor({
    queue,
    functionId: `test-${name}`,
    definition,
    db,
    metrics,
    log: testLog,
    makeCtx: platform.taskCtx,
    random: () => 0.5,
  });
  return {
    metrics,
    deliver: (body) =>
      process({
        body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        queue,
        redelivered: false,
      }),
  };
}

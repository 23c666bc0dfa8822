import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { buildManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import { createPublisher } from '../../shared/runtime/publisher.ts';
import { runBounded } from './helpers.ts';

/** The kind the pipeline sections publish and their fixture task consumes. */
export const BENCH_KIND = 'bench_effect';

/**
 * The pipeline sections' task: one small insert per message, the smallest useful effect, so the
 * figure is the platform's per-message cost and not the handler's. Built as a manifest the way
 * `functions/` files are, under a name no real app uses. Each mode writes its own table.
 */
export function benchTaskManifest(concurrency: number, batch = false): Manifest {
  const table = batch ? 'batched_effects' : 'task_effects';
  const insertEffect = defineTask({
    consumes: BENCH_KIND,
    payload: z.object({ n: z.number().int() }),
    concurrency,
    batch,
    handler: async ({ n }, ctx) => {
      await ctx.db.query(`insert into ${table} (message_id, n) values ($1, $2)`, [ctx.message.id, n]);
    },
  });
  return buildManifest([{ file: 'functions/bench/insert-effect.ts', module: { default: insertEffect } }]);
}

/** Declare the fixture's queues on `driver` and fill them through `ctx.queue` as a function gets it. */
export async function fillThroughPlatform(
  driver: QueueDriver,
  manifest: Manifest,
  { count, concurrency }: { count: number; concurrency: number },
): Promise<void> {
  try {
    // The SQS driver routes a kind only to queues it declared itself (there is no exchange).
    await driver.declare(topologyOf(manifest));
    const publisher = createPublisher(driver, createMetrics());
    await runBounded(count, concurrency, (n) => publisher.publish(BENCH_KIND, { n }));
  } finally {
    await driver.close();
  }
}

import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import { buildManifest, type Manifest } from '../../shared/runtime/manifest.ts';

/** The kind the task pipeline benchmark publishes and its fixture task consumes. */
export const BENCH_KIND = 'bench_effect';

/**
 * The task pipeline benchmark's function: one small insert per message, the smallest
 * useful effect, so the figure is the platform's per-message cost and not the handler's.
 * Built as a manifest the same way `functions/` files are, under a name no real app uses.
 *
 * @example
 *   const manifest = benchTaskManifest(50); // queue `bench.insert-effect`, prefetch 50
 *   const batched = benchTaskManifest(50, true); // the same with `batch: true`
 */
export function benchTaskManifest(concurrency: number, batch = false): Manifest {
  // Each mode writes its own table, so one run can measure both.
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

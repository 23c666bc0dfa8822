import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineTask, type ScheduleDefinition } from '../../shared/contract/index.ts';
import { startScheduler } from '../../shared/runtime/scheduler.ts';
import { startWorker } from '../../shared/runtime/worker.ts';
import { createTestPlatform, stacks } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/** Two scheduler replicas of one deployment fire every tick once, as EventBridge's retries do. */
describe('two scheduler replicas', () => {
  it('record one job per tick, and its task runs once', async () => {
    let runs = 0;
    // Every second (a cron only a test may use: defineSchedule holds schedules to EventBridge's minutes).
    const everySecond: ScheduleDefinition = {
      type: 'schedule',
      cron: () => '* * * * * *',
      publishes: 'replica_tick',
      payload: {},
    };
    const test = await createTestPlatform(stacks[1], {
      'functions/demo/tick-schedule.ts': everySecond,
      'functions/demo/count-tick.ts': defineTask({
        consumes: 'replica_tick',
        payload: z.object({}),
        handler: async () => {
          runs += 1;
          return {};
        },
      }),
    });
    const worker = await startWorker(test.platform);
    const replicas = [startScheduler(test.platform), startScheduler(test.platform)];
    try {
      const jobs = () =>
        test.db.query<{ correlation_id: string; status: string }>(
          `select correlation_id, status from jobs where kind = 'replica_tick'`,
        );
      await waitFor(async () => (await jobs()).rows.length >= 3, { timeoutMs: 15_000 });
      await Promise.all(replicas.map((replica) => replica.stop()));
      await waitFor(async () => (await jobs()).rows.every((job) => job.status === 'succeeded'));
      const { rows } = await jobs();
      // One job per second, whichever replica fired it first; each one ran once.
      expect(new Set(rows.map((job) => job.correlation_id)).size).toBe(rows.length);
      expect(runs).toBe(rows.length);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await worker.stop();
      await test.close();
    }
  });
});

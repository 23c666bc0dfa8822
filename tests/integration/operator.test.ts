import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createJobs } from '../../shared/runtime/jobs.ts';
import { createOperator } from '../../shared/runtime/operator.ts';
import { createTestDb } from '../helpers/db.ts';
import { FakePublisher } from '../helpers/fake-ctx.ts';
import { testLog } from '../helpers/platform.ts';
import { taskProcessorFor } from '../helpers/task-processor.ts';

/** The console's view of a deployment, on a real (embedded) database. */
let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await createTestDb('pglite')));
afterAll(() => drop?.());

const summary = {
  schedules: [
    { name: 'demo-hourly-schedule', publishes: 'demo.hourly', cron: '0 * * * *', payload: { full: true } },
    { name: 'demo-off-schedule', publishes: 'demo.off', cron: null, payload: {} },
  ],
};

function operator() {
  const publisher = new FakePublisher();
  const jobs = createJobs({ db, publisher });
  return { operator: createOperator(summary, db, jobs, testLog), publisher };
}

describe('the operator view', () => {
  it('lists each schedule with its cron, and finds the job its last run fired', async () => {
    const { operator: ops, publisher } = operator();
    expect(await ops.schedules()).toEqual([
      { name: 'demo-hourly-schedule', publishes: 'demo.hourly', cron: '0 * * * *', lastRun: null },
      { name: 'demo-off-schedule', publishes: 'demo.off', cron: null, lastRun: null },
    ]);

    const { jobId, kind } = await ops.runSchedule('demo-hourly-schedule');
    expect(kind).toBe('demo.hourly');
    expect(publisher.published[0]).toMatchObject({ kind: 'demo.hourly', payload: { full: true } });
    const [hourly] = await ops.schedules();
    expect(hourly!.lastRun).toMatchObject({ id: jobId, status: 'queued' });
    expect(hourly!.lastRun!.correlationId).toMatch(/^schedule:demo-hourly-schedule:console-/);
    await expect(ops.runSchedule('nope')).rejects.toMatchObject({ status: 404 });
  });

  it('counts the last hour: messages handled per queue, attempts and failures per kind, durations', async () => {
    const { operator: ops } = operator();
    let calls = 0;
    const definition = defineTask({
      consumes: ['greet'],
      payload: z.object({}),
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error('first attempt fails');
        return {};
      },
    });
    const { deliver } = taskProcessorFor(db, 'greet', definition);
    const envelope = createEnvelope({ kind: 'greet', payload: {}, jobId: crypto.randomUUID() });
    expect((await deliver(envelope)).type).toBe('retry');
    expect(await deliver({ ...envelope, attempt: 2 })).toEqual({ type: 'ack' });

    const hour = await ops.lastHour();
    expect(hour.handled['test.greet']).toHaveLength(60);
    expect(hour.handled['test.greet']!.at(-1)).toBe(1);
    expect(hour.kinds).toEqual([expect.objectContaining({ kind: 'greet', succeeded: 1, failed: 1 })]);
    const greet = hour.kinds[0]!;
    expect(greet.failedPerMinute.reduce((a, b) => a + b, 0)).toBe(1);
    expect(greet.p95).toBeGreaterThanOrEqual(greet.p50);
  });

  it('records what operators did, newest first', async () => {
    const { operator: ops } = operator();
    await ops.record({ actor: 'a@example.com', action: 'replay', target: 'demo.work', count: 3 });
    await ops.record({
      actor: 'b@example.com',
      action: 'purge',
      target: 'demo.work',
      count: 1,
      detail: 'two ids',
    });
    expect(await ops.recentActions(10)).toEqual([
      expect.objectContaining({ actor: 'b@example.com', action: 'purge', count: 1, detail: 'two ids' }),
      expect.objectContaining({ actor: 'a@example.com', action: 'replay', count: 3, detail: null }),
    ]);
  });
});

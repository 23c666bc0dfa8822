import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineTask, type FunctionDefinition } from '../../shared/contract/index.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { startWorker } from '../../shared/runtime/worker.ts';
import { createTestPlatform, stacks } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The delivery semantics of DESIGN.md, end to end through the consumer core, on the embedded
 * stack and on real Postgres + RabbitMQ, with the same test bodies.
 */

/** Three attempts, retried after the broker's shortest delay and then twice that. */
const retryFor = (baseDelayMs: number) => ({ attempts: 3, baseDelayMs, maxDelayMs: baseDelayMs * 10 });

function effectsTask(
  { batch, retry }: { batch: boolean; retry: ReturnType<typeof retryFor> },
  onRun: (value: string, attempt: number) => void | Promise<void> = () => {},
) {
  return defineTask({
    consumes: 'record_effect',
    payload: z.object({ value: z.string(), failTimes: z.number().int().min(0).default(0) }),
    concurrency: 4,
    batch,
    retry,
    handler: async ({ value, failTimes }, ctx) => {
      await onRun(value, ctx.message.attempt);
      await ctx.db.query('insert into test_effects (message_id, value) values ($1, $2)', [
        ctx.message.id,
        value,
      ]);
      if (ctx.message.attempt <= failTimes) throw new Error(`planned failure ${ctx.message.attempt}`);
      return { stored: value };
    },
  });
}

// Every case runs per message (one transaction each) and batched (a savepoint each in a shared transaction).
const modes = stacks.flatMap((stack) => [
  { ...stack, batch: false, mode: 'one transaction per message' },
  { ...stack, batch: true, mode: 'batched' },
]);

describe.each(modes)('task pipeline on $name, $mode', ({ batch, ...stack }) => {
  const retry = retryFor(stack.retryBaseMs);
  const patience = { timeoutMs: 20_000 };
  const mode = { batch, retry };
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function setup(task = effectsTask(mode), more: Record<string, FunctionDefinition> = {}) {
    const test = await createTestPlatform(stack, { 'functions/test/record-effect.ts': task, ...more });
    await test.db.query(
      'create table test_effects (id serial primary key, message_id uuid not null, value text not null)',
    );
    const worker = await startWorker(test.platform);
    close = async () => {
      await worker.stop();
      await test.close();
    };
    const effects = async () =>
      (await test.db.query<{ value: string }>('select value from test_effects order by id')).rows.map(
        (r) => r.value,
      );
    const jobs = test.platform.httpCtx({ correlationId: 'test-correlation', log: test.platform.log }).jobs;
    return { ...test, worker, effects, jobs };
  }

  it('runs a triggered job: rows committed, job succeeded with its result', async () => {
    const { jobs, effects } = await setup();
    const { jobId } = await jobs.trigger('record_effect', { value: 'hello' });
    await waitFor(async () => (await jobs.get(jobId))?.status === 'succeeded', patience);
    expect(await effects()).toEqual(['hello']);
    expect(await jobs.get(jobId)).toMatchObject({
      kind: 'record_effect',
      attempts: 1,
      result: { stored: 'hello' },
      error: null,
      correlationId: 'test-correlation',
    });
  });

  it('retries a failing handler with growing delays, rolling back each failed attempt', async () => {
    const runs: { attempt: number; at: number }[] = [];
    const { jobs, effects } = await setup(
      effectsTask(mode, (_v, attempt) => void runs.push({ attempt, at: Date.now() })),
    );
    const { jobId } = await jobs.trigger('record_effect', { value: 'eventually', failTimes: 2 });
    await waitFor(async () => (await jobs.get(jobId))?.status === 'succeeded', patience);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const firstDelay = runs[1]!.at - runs[0]!.at;
    const secondDelay = runs[2]!.at - runs[1]!.at;
    expect(firstDelay).toBeGreaterThanOrEqual(stack.retryBaseMs * 0.7); // base ± 20% jitter
    expect(secondDelay).toBeGreaterThan(firstDelay);
    // Only the successful attempt's insert committed.
    expect(await effects()).toEqual(['eventually']);
    expect(await jobs.get(jobId)).toMatchObject({ attempts: 3, status: 'succeeded' });
  });

  it('dead-letters after the last attempt with the error, and replay runs it again from attempt 1', async () => {
    const attempts: number[] = [];
    const { jobs, effects, platform } = await setup(
      effectsTask(mode, (_v, attempt) => void attempts.push(attempt)),
    );
    const { jobId } = await jobs.trigger('record_effect', { value: 'doomed', failTimes: 3 });
    await waitFor(async () => (await jobs.get(jobId))?.status === 'dead', patience);
    expect(await jobs.get(jobId)).toMatchObject({ attempts: 3, error: 'planned failure 3' });
    expect(await effects()).toEqual([]);

    // The job is marked dead just before the driver moves the message to its DLQ.
    const [dead] = await waitFor(async () => {
      const listed = await platform.driver.listDead('test.record-effect', 10);
      return listed.length > 0 && listed;
    }, patience);
    expect(dead?.error).toContain('planned failure 3');
    expect(dead?.envelope).toMatchObject({ kind: 'record_effect', jobId });

    expect(await platform.driver.replayDead('test.record-effect')).toBe(1);
    await waitFor(() => attempts.length >= 4, patience);
    expect(attempts.slice(0, 4)).toEqual([1, 2, 3, 1]);
  });

  it('dead-letters a schema-invalid payload at once and keeps consuming', async () => {
    const { jobs, effects, platform } = await setup();
    const queue = 'test.record-effect';
    // Published straight through the driver, as a buggy producer would.
    await platform.driver.publish({ ...createEnvelope({ kind: 'record_effect', payload: { value: 42 } }) });
    const { jobId } = await jobs.trigger('record_effect', { value: 'after the bad one' });
    await waitFor(async () => (await jobs.get(jobId))?.status === 'succeeded', patience);
    expect(await effects()).toEqual(['after the bad one']);
    await waitFor(async () => (await platform.driver.depth(queue)).dead === 1);
    const [dead] = await platform.driver.listDead(queue, 10);
    expect(dead?.error).toMatch(/^invalid payload: value/);
  });

  it('runs a redelivered message only once (inbox)', async () => {
    const { platform, effects, db } = await setup();
    const envelope = createEnvelope({ kind: 'record_effect', payload: { value: 'once' } });
    await platform.driver.publish(envelope);
    await platform.driver.publish(envelope); // the broker handing the same message over twice
    const marker = createEnvelope({ kind: 'record_effect', payload: { value: 'marker' } });
    await platform.driver.publish(marker);
    await waitFor(async () => (await effects()).includes('marker'));
    await waitFor(
      async () => (await db.query('select 1 from inbox where message_id = $1', [envelope.id])).rowCount === 1,
    );
    expect((await effects()).filter((v) => v === 'once')).toHaveLength(1);
  });

  it('stop() lets an in-flight handler finish and commit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    const { jobs, effects, worker } = await setup(
      effectsTask(mode, async () => {
        started = true;
        await gate;
      }),
    );
    const { jobId } = await jobs.trigger('record_effect', { value: 'drained' });
    await waitFor(() => started);
    let stopDone = false;
    const stopped = worker.stop().then(() => (stopDone = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopDone).toBe(false); // still waiting for the handler
    release();
    await stopped;
    expect(await effects()).toEqual(['drained']);
    expect((await jobs.get(jobId))?.status).toBe('succeeded');
  });

  it('a task that triggers another job: the child runs on its first attempt', async () => {
    const parent = defineTask({
      consumes: 'parent_job',
      payload: z.object({ value: z.string() }),
      retry,
      handler: async ({ value }, ctx) => ctx.jobs.trigger('record_effect', { value: `child of ${value}` }),
    });
    const { platform } = await setup(effectsTask(mode), { 'functions/test/parent-job.ts': parent });
    const jobs = platform.httpCtx({ correlationId: 'parent-correlation', log: platform.log }).jobs;
    const { jobId } = await jobs.trigger('parent_job', { value: 'p1' });
    await waitFor(async () => (await jobs.get(jobId))?.status === 'succeeded', patience);
    const { jobId: childId } = (await jobs.get(jobId))!.result as { jobId: string };
    await waitFor(async () => (await jobs.get(childId))?.status === 'succeeded', patience);
    expect(await jobs.get(childId)).toMatchObject({ attempts: 1, correlationId: 'parent-correlation' });
  });

  it('under a burst, a failing message rolls back alone and every effect lands once', async () => {
    const { jobs, effects } = await setup();
    const triggered = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        jobs.trigger('record_effect', { value: `m${i}`, failTimes: i === 3 ? 1 : 0 }),
      ),
    );
    await waitFor(
      async () =>
        (await Promise.all(triggered.map(({ jobId }) => jobs.get(jobId)))).every(
          (j) => j?.status === 'succeeded',
        ),
      { timeoutMs: 15_000 },
    );
    const values = await effects();
    expect(values.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`).sort());
    expect((await jobs.get(triggered[3]!.jobId))?.attempts).toBe(2);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { insertJobs, jobState } from '../../shared/runtime/jobs.ts';
import { createTestDb } from '../helpers/db.ts';
import { taskProcessorFor } from '../helpers/task-processor.ts';

/** The consumer core on its own: bytes in, outcome out, against a real (embedded) database. */
let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await createTestDb('pglite')));
afterAll(() => drop?.());

function processorFor(handler = vi.fn(async () => ({ done: true }))) {
  const definition = defineTask({
    consumes: ['greet'],
    payload: z.object({ name: z.string().min(1) }),
    retry: { attempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 },
    handler,
  });
  const { deliver, metrics } = taskProcessorFor(db, 'greet', definition);
  return { deliver, handler, metrics };
}

describe('task processor', () => {
  it.each([
    ['a body that is not JSON', '{not json', /^malformed body/],
    ['JSON that is not an envelope', { hello: 'world' }, /^invalid envelope/],
    ['an unknown kind', createEnvelope({ kind: 'wave', payload: { name: 'x' } }), /^unknown kind 'wave'/],
    [
      'a payload that fails its schema',
      createEnvelope({ kind: 'greet', payload: { name: '' } }),
      /^invalid payload: name/,
    ],
  ])('dead-letters %s at once without running the handler', async (_what, body, reason) => {
    const { deliver, handler, metrics } = processorFor();
    const outcome = await deliver(body);
    expect(outcome.type).toBe('dead');
    expect(outcome.type === 'dead' && outcome.error).toMatch(reason);
    expect(handler).not.toHaveBeenCalled();
    expect((await metrics.deadLettered.get()).values.reduce((n, v) => n + v.value, 0)).toBe(1);
  });

  it('acks a success, and acks a redelivery of the same id without running again', async () => {
    const { deliver, handler } = processorFor();
    const envelope = createEnvelope({ kind: 'greet', payload: { name: 'Ada' } });
    expect(await deliver(envelope)).toEqual({ type: 'ack' });
    expect(await deliver({ ...envelope, attempt: 2 })).toEqual({ type: 'ack' });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('asks for a retry with the next attempt and backoff, then dead-letters on the last attempt', async () => {
    const { deliver } = processorFor(vi.fn(async () => Promise.reject(new Error('upstream down'))));
    const envelope = createEnvelope({ kind: 'greet', payload: { name: 'Ada' } });
    const first = await deliver(envelope);
    expect(first).toEqual({
      type: 'retry',
      envelope: { ...envelope, attempt: 2 },
      delayMs: 1000,
      error: 'upstream down',
    });
    const last = await deliver({ ...envelope, attempt: 2 });
    expect(last).toEqual({ type: 'dead', envelope: { ...envelope, attempt: 2 }, error: 'upstream down' });
    // A failed attempt leaves no inbox row, so a later replay can still run it.
    expect((await db.query('select 1 from inbox where message_id = $1', [envelope.id])).rowCount).toBe(0);
  });

  it("writes the job row itself when the message outruns the trigger's insert", async () => {
    const { deliver } = processorFor();
    const jobId = randomUUID();
    const envelope = createEnvelope({
      kind: 'greet',
      payload: { name: 'Ada' },
      jobId,
      correlationId: 'c-42',
    });
    expect(await deliver(envelope)).toEqual({ type: 'ack' });
    const { rows } = await db.query(
      'select kind, status, attempts, correlation_id, result from jobs where id = $1',
      [jobId],
    );
    expect(rows).toEqual([
      { kind: 'greet', status: 'succeeded', attempts: 1, correlation_id: 'c-42', result: { done: true } },
    ]);
    // The trigger's insert, arriving late, leaves the finished row alone.
    await insertJobs(db, [{ id: jobId, kind: 'greet', payload: {}, correlationId: 'c-42' }]);
    expect((await db.query('select status from jobs where id = $1', [jobId])).rows).toEqual([
      { status: 'succeeded' },
    ]);
  });

  it("records a dead-lettered job even when its message outran the trigger's insert", async () => {
    const { deliver } = processorFor();
    const jobId = randomUUID();
    const envelope = createEnvelope({ kind: 'greet', payload: { name: '' }, jobId, correlationId: 'c-43' });
    expect((await deliver(envelope)).type).toBe('dead');
    await insertJobs(db, [{ id: jobId, kind: 'greet', payload: {}, correlationId: 'c-43' }]);
    const { rows } = await db.query<{ status: string; error: string }>(
      'select status, error from jobs where id = $1',
      [jobId],
    );
    expect(rows[0]).toMatchObject({ status: 'dead', error: expect.stringMatching(/^invalid payload/) });
  });

  it('never marks a job failed once its worker has taken it over', async () => {
    const { deliver } = processorFor();
    const jobId = randomUUID();
    await deliver(createEnvelope({ kind: 'greet', payload: { name: 'Ada' }, jobId }));
    await jobState.failed(db, jobId, 'could not be queued: confirm timed out');
    expect((await db.query('select status from jobs where id = $1', [jobId])).rows).toEqual([
      { status: 'succeeded' },
    ]);
  });
});

describe('a task that publishes', () => {
  it('sends nothing from an attempt that rolled back, and one message from the one that committed', async () => {
    let attempts = 0;
    const definition = defineTask({
      consumes: ['announces'],
      payload: z.object({}),
      retry: { attempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 },
      handler: async (_payload, ctx) => {
        attempts++;
        await ctx.queue.publish('announced', { attempt: attempts });
        if (attempts === 1) throw new Error('the first attempt fails after publishing');
        return { attempts };
      },
    });
    const { deliver } = taskProcessorFor(db, 'announces', definition);
    const envelope = createEnvelope({ kind: 'announces', payload: {} });
    expect(await deliver(envelope)).toMatchObject({ type: 'retry' });
    expect(await deliver({ ...envelope, attempt: 2 })).toEqual({ type: 'ack' });
    const { rows } = await db.query<{ payload: unknown }>(
      `select envelope->'payload' as payload from outbox where kind = 'announced'`,
    );
    expect(rows).toEqual([{ payload: { attempt: 2 } }]);
  });
});

describe('a task with ownTransactions', () => {
  beforeAll(() => db.query('create table if not exists own_steps (message text, step int)'));

  function ownProcessor(failAfterStep?: number) {
    const calls: string[] = [];
    const definition = defineTask({
      consumes: ['steps'],
      payload: z.object({ name: z.string() }),
      retry: { attempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 },
      ownTransactions: true,
      handler: async ({ name }, ctx) => {
        calls.push(name);
        // Two committed steps, as a long import commits its chunks: the database itself, not a tx.
        for (const step of [1, 2]) {
          await ctx.db.transaction((tx) => tx.query('insert into own_steps values ($1, $2)', [name, step]));
          if (step === failAfterStep) throw new Error(`failed after step ${step}`);
        }
        return { steps: 2 };
      },
    });
    return { ...taskProcessorFor(db, 'steps', definition), calls };
  }

  const stepsOf = async (name: string) =>
    (
      await db.query<{ step: number }>('select step from own_steps where message = $1 order by step', [name])
    ).rows.map((row) => row.step);

  it('commits its steps as it goes, then records the inbox and the job result once it returns', async () => {
    const { deliver, calls } = ownProcessor();
    const jobId = randomUUID();
    await insertJobs(db, [{ id: jobId, kind: 'steps', payload: {}, correlationId: 'c' }]);
    const envelope = createEnvelope({ kind: 'steps', payload: { name: 'ok' }, jobId });
    expect(await deliver(envelope)).toEqual({ type: 'ack' });
    expect(await stepsOf('ok')).toEqual([1, 2]);
    const job = await db.query<{ status: string; result: unknown }>(
      'select status, result from jobs where id = $1',
      [jobId],
    );
    expect(job.rows[0]).toEqual({ status: 'succeeded', result: { steps: 2 } });
    // A redelivery after the inbox row exists does not run the handler again.
    expect(await deliver({ ...envelope, attempt: 2 })).toEqual({ type: 'ack' });
    expect(calls).toEqual(['ok']);
  });

  it('keeps what it committed when it fails, and asks for a retry without an inbox row', async () => {
    const { deliver } = ownProcessor(1);
    const envelope = createEnvelope({ kind: 'steps', payload: { name: 'half' } });
    const outcome = await deliver(envelope);
    expect(outcome).toMatchObject({ type: 'retry', error: 'failed after step 1' });
    expect(await stepsOf('half')).toEqual([1]);
    expect((await db.query('select 1 from inbox where message_id = $1', [envelope.id])).rowCount).toBe(0);
  });

  function finishingProcessor(failInLastStep: boolean) {
    const definition = defineTask({
      consumes: ['steps'],
      payload: z.object({ name: z.string() }),
      retry: { attempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 },
      ownTransactions: true,
      handler: async ({ name }, ctx) => {
        await ctx.db.transaction((tx) => tx.query('insert into own_steps values ($1, 1)', [name]));
        return ctx.finish(async (tx) => {
          await tx.query('insert into own_steps values ($1, 2)', [name]);
          if (failInLastStep) throw new Error('failed in the last step');
          return { steps: 2 };
        });
      },
    });
    return taskProcessorFor(db, 'steps', definition);
  }

  it('commits its last step with the inbox row and the job result (ctx.finish)', async () => {
    const { deliver } = finishingProcessor(false);
    const jobId = randomUUID();
    await insertJobs(db, [{ id: jobId, kind: 'steps', payload: {}, correlationId: 'c' }]);
    const envelope = createEnvelope({ kind: 'steps', payload: { name: 'finished' }, jobId });
    expect(await deliver(envelope)).toEqual({ type: 'ack' });
    expect(await stepsOf('finished')).toEqual([1, 2]);
    const job = await db.query('select status, result from jobs where id = $1', [jobId]);
    expect(job.rows[0]).toEqual({ status: 'succeeded', result: { steps: 2 } });
    expect((await db.query('select 1 from inbox where message_id = $1', [envelope.id])).rowCount).toBe(1);
  });

  it('rolls back its last step together with "done" when that step fails', async () => {
    const { deliver } = finishingProcessor(true);
    const envelope = createEnvelope({ kind: 'steps', payload: { name: 'unfinished' } });
    expect(await deliver(envelope)).toMatchObject({ type: 'retry', error: 'failed in the last step' });
    expect(await stepsOf('unfinished')).toEqual([1]);
    expect((await db.query('select 1 from inbox where message_id = $1', [envelope.id])).rowCount).toBe(0);
  });

  it('commits one last step when two deliveries of the message race', async () => {
    const { deliver } = finishingProcessor(false);
    const envelope = createEnvelope({ kind: 'steps', payload: { name: 'raced' } });
    // Whichever finishes second either sees the inbox row at the start or, if both passed that
    // check, has its last step rolled back when its "done" finds the other's.
    const { deliver: other } = finishingProcessor(false);
    const [first, second] = await Promise.all([deliver(envelope), other(envelope)]);
    expect([first, second]).toEqual([{ type: 'ack' }, { type: 'ack' }]);
    // Step 1 may have run twice (before the check); step 2 committed once.
    expect((await stepsOf('raced')).filter((step) => step === 2)).toEqual([2]);
  });

  it('cannot be batched', () => {
    expect(() =>
      defineTask({
        consumes: 'x',
        payload: z.object({}),
        batch: true,
        ownTransactions: true,
        handler: async () => undefined,
      }),
    ).toThrow(/ownTransactions cannot be batched/);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineTask, type TaskCtx } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';
import { taskProcessorFor } from '../helpers/task-processor.ts';

/**
 * The consumer core when the failure is not the handler's: a COMMIT that fails (a deferred
 * constraint is only checked there), alone and in a batch, and one bad message in a batch.
 * Each case fails against a core that acks a message whose commit failed, or that fails every
 * message of a batch for one bad one.
 */
describe.each(dbBackends)('the consumer core when a commit or a batch fails, on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    // `value` is unique, but only checked at COMMIT: a duplicate passes every statement and
    // fails the commit, as a deferred foreign key or an exclusion constraint would.
    await db.query(`create table commit_effects (
      message_id uuid not null,
      value text not null,
      constraint commit_effects_value_key unique (value) deferrable initially deferred
    )`);
  }, 60_000);
  afterAll(() => drop?.());
  beforeEach(async () => {
    await db.query('delete from commit_effects');
  });

  /** Handler runs per message id: a message re-run alone after its batch failed shows up twice. */
  function processorFor(options: { batch?: { maxSize: number; parallel: number }; fail?: string } = {}) {
    const runs = new Map<string, number>();
    const definition = defineTask({
      consumes: ['write_effect'],
      payload: z.object({ value: z.string() }),
      retry: { attempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 },
      concurrency: 8,
      ...(options.batch ? { batch: options.batch } : {}),
      handler: async ({ value }, ctx: TaskCtx) => {
        runs.set(ctx.message.id, (runs.get(ctx.message.id) ?? 0) + 1);
        if (value === options.fail) throw new Error(`planned failure for ${value}`);
        await ctx.db.query('insert into commit_effects (message_id, value) values ($1, $2)', [
          ctx.message.id,
          value,
        ]);
      },
    });
    const { deliver } = taskProcessorFor(db, 'write-effect', definition);
    return { deliver, runs };
  }

  const message = (value: string) => createEnvelope({ kind: 'write_effect', payload: { value } });
  const effects = async () =>
    (await db.query<{ message_id: string; value: string }>('select message_id, value from commit_effects'))
      .rows;
  const inboxHas = async (id: string) =>
    ((await db.query('select 1 from inbox where message_id = $1', [id])).rowCount ?? 0) > 0;

  it('retries a message whose COMMIT fails, never acks it, and acks it once the commit succeeds', async () => {
    const { deliver } = processorFor();
    await db.query(`insert into commit_effects (message_id, value) values (gen_random_uuid(), 'taken')`);
    const envelope = message('taken');

    const first = await deliver(envelope);
    expect(first).toMatchObject({ type: 'retry', envelope: { id: envelope.id, attempt: 2 } });
    expect(first.type === 'retry' && first.error).toMatch(/23505/);
    // Nothing of the failed commit stayed: no effect, and no inbox row that would swallow the retry.
    expect(await inboxHas(envelope.id)).toBe(false);
    expect((await effects()).filter((e) => e.message_id === envelope.id)).toEqual([]);

    await db.query(`delete from commit_effects where value = 'taken'`);
    expect(await deliver({ ...envelope, attempt: 2 })).toEqual({ type: 'ack' });
    expect(await effects()).toEqual([{ message_id: envelope.id, value: 'taken' }]);
    expect(await inboxHas(envelope.id)).toBe(true);
  });

  it('one bad message of a batch: the good ones re-run alone and are acked, only the bad one is retried', async () => {
    // One batch at a time: the first message runs alone, the five sent meanwhile form one batch.
    const { deliver, runs } = processorFor({ batch: { maxSize: 10, parallel: 1 }, fail: 'bad' });
    const first = message('first');
    const batch = ['good 1', 'good 2', 'bad', 'good 3', 'good 4'].map(message);
    const outcomes = await Promise.all([first, ...batch].map(deliver));

    expect(outcomes.map((o) => o.type)).toEqual(['ack', 'ack', 'ack', 'retry', 'ack', 'ack']);
    expect((await effects()).map((e) => e.value).sort()).toEqual([
      'first',
      'good 1',
      'good 2',
      'good 3',
      'good 4',
    ]);
    // They were batched (the good ones before the bad one ran in the failed batch, then again alone).
    expect(runs.get(batch[0]!.id)).toBe(2);
    expect(runs.get(batch[2]!.id)).toBe(1);
    for (const envelope of [first, ...batch])
      expect(await inboxHas(envelope.id)).toBe(envelope.payload !== batch[2]!.payload);
  });

  it('a batch whose COMMIT fails: every message re-runs alone, the good ones are acked once, the guilty one retried', async () => {
    const { deliver, runs } = processorFor({ batch: { maxSize: 10, parallel: 1 } });
    await db.query(`insert into commit_effects (message_id, value) values (gen_random_uuid(), 'taken')`);
    const first = message('first');
    const batch = ['good 1', 'taken', 'good 2'].map(message);
    const outcomes = await Promise.all([first, ...batch].map(deliver));

    expect(outcomes.map((o) => o.type)).toEqual(['ack', 'ack', 'retry', 'ack']);
    expect((await effects()).map((e) => e.value).sort()).toEqual(['first', 'good 1', 'good 2', 'taken']);
    // Every handler of the batch ran in it, and again alone after its commit failed.
    for (const envelope of batch) expect(runs.get(envelope.id)).toBe(2);
    expect(await inboxHas(batch[1]!.id)).toBe(false);
    expect(await inboxHas(batch[0]!.id)).toBe(true);
  });
});

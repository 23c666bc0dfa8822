import * as z from 'zod';
import { defineTask, type TaskDefinition } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';

/**
 * The fixture task the consumer-core cases run: each message commits one effect row (in the
 * handler's transaction, next to its inbox row), and the test decides what a run does first.
 */

/** Where the fixture lives; its queue is `conformance.effect`. */
export const EFFECT_FILE = 'functions/conformance/effect.ts';
export const EFFECT_QUEUE = 'conformance.effect';
export const EFFECT_KIND = 'conformance_effect';

/**
 * Three attempts, `baseDelayMs` then twice that apart (±20% jitter). Each driver entry picks
 * the base (`retryBaseMs`) so that the growth stands out from its broker's timing noise and
 * survives its delay granularity: 250 ms, or 1 s where delays are whole seconds (SQS).
 */
export function fastRetry(baseDelayMs: number) {
  return { attempts: 3, baseDelayMs, maxDelayMs: 8 * baseDelayMs };
}

export interface EffectRun {
  messageId: string;
  value: string;
  attempt: number;
  at: number;
}

/** What a run does before its effect is written: return to go on, throw to fail the attempt. */
export type BeforeEffect = (run: EffectRun) => void | Promise<void>;

/** The fixture task, retrying with `fastRetry(retryBaseMs)`. */
export function effectTask(retryBaseMs: number, beforeEffect: BeforeEffect = () => {}): TaskDefinition {
  return defineTask({
    consumes: EFFECT_KIND,
    payload: z.object({ value: z.string() }),
    concurrency: 4,
    retry: fastRetry(retryBaseMs),
    handler: async ({ value }, ctx) => {
      const { id: messageId, attempt } = ctx.message;
      await beforeEffect({ messageId, value, attempt, at: Date.now() });
      await ctx.db.query('insert into conformance_effects (message_id, value) values ($1, $2)', [
        messageId,
        value,
      ]);
      return { stored: value };
    },
  });
}

export async function createEffectsTable(db: Db): Promise<void> {
  // No unique key on purpose: a message whose effect commits twice must show up as two rows.
  await db.query(
    'create table conformance_effects (id serial primary key, message_id uuid not null, value text not null)',
  );
}

export async function effectValues(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ value: string }>('select value from conformance_effects order by id');
  return rows.map((row) => row.value);
}

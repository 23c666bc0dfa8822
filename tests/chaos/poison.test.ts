import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { checkQueue, effectCounts, printVerdict } from '../helpers/chaos.ts';
import {
  EFFECT_QUEUE,
  effectBody,
  logsSaying,
  publishToEffectQueue,
  useChaosStack,
} from '../helpers/chaos-runner.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenario 4: poison messages, published with a raw AMQP client straight into the queue a
 * real runner consumes, mixed into valid ones. Each poison message is dead-lettered on its first
 * delivery with a reason that says what is wrong with it, the consumer never restarts, and every
 * valid message is done exactly once.
 */
const stack = useChaosStack({ through: 'rabbitmq', roles: ['worker'] });

const envelopeText = (kind: string, payload: unknown) => JSON.stringify(createEnvelope({ kind, payload }));

/** Each poison message, and what its dead letter's reason must say. */
const poison: { name: string; body: Buffer; reason: RegExp }[] = [
  { name: 'bad JSON', body: Buffer.from('{"id": "'), reason: /^malformed body/ },
  { name: 'empty body', body: Buffer.alloc(0), reason: /^malformed body/ },
  { name: 'binary bytes', body: Buffer.from([0xff, 0xfe, 0x00, 0x81]), reason: /^malformed body/ },
  { name: 'JSON null', body: Buffer.from('null'), reason: /^invalid envelope/ },
  { name: 'not an envelope', body: Buffer.from('{"hello":"world"}'), reason: /^invalid envelope/ },
  {
    name: 'wrong payload schema',
    body: Buffer.from(envelopeText('chaos_effect', { value: 42 })),
    reason: /^invalid payload: value/,
  },
  {
    name: 'a 2 MiB body',
    body: Buffer.from(envelopeText('chaos_effect', { value: 'x'.repeat(2 * 1024 * 1024) })),
    reason: /^message too large: 2097\d+ bytes/,
  },
  {
    name: '__proto__ key',
    body: Buffer.from(
      envelopeText('chaos_effect', { value: 'proto' }).replace(
        '"value"',
        '"__proto__":{"admin":true},"value"',
      ),
    ),
    reason: /forbidden prototype property/,
  },
  {
    name: 'escaped __proto__ key',
    body: Buffer.from(
      envelopeText('chaos_effect', { value: 'proto2' }).replace(
        '"value"',
        '"\\u005f_proto__":{"admin":true},"value"',
      ),
    ),
    reason: /forbidden prototype property/,
  },
  {
    name: 'constructor.prototype key',
    body: Buffer.from(
      envelopeText('chaos_effect', { value: 'ctor' }).replace(
        '"value"',
        '"constructor":{"prototype":{"admin":true}},"value"',
      ),
    ),
    reason: /forbidden prototype property/,
  },
  {
    name: 'unknown kind',
    body: Buffer.from(envelopeText('no_such_kind', { value: 'u' })),
    reason: /^unknown kind/,
  },
];

describe('chaos: poison messages', () => {
  const valid = 1_000;

  it(`dead-letters ${poison.length} kinds of poison on their first delivery, among ${valid} valid messages`, async () => {
    const run = randomUUID().slice(0, 8);
    const keys = Array.from({ length: valid }, (_, i) => `${run}-${i}`);
    const bodies = keys.map((value) => effectBody(value));
    // Poison at evenly spread places in the stream.
    poison.forEach((bad, i) =>
      bodies.splice(Math.floor(((i + 1) * bodies.length) / (poison.length + 1)), 0, bad.body),
    );
    await publishToEffectQueue(stack.prefix, bodies);

    await waitFor(async () => (await stack.runner.driver.depth(EFFECT_QUEUE)).dead >= poison.length, {
      timeoutMs: 60_000,
      intervalMs: 200,
    }).catch(() => undefined); // the assertions below say what is missing
    await waitFor(async () => (await effectCounts(stack.db)).size >= valid, {
      timeoutMs: 60_000,
      intervalMs: 200,
    }).catch(() => undefined);

    const dead = await stack.runner.driver.listDead(EFFECT_QUEUE, 100);
    const deadLettered = logsSaying(stack.runner, 'dead-lettered').length;
    const verdict = checkQueue({ enqueued: keys, effects: await effectCounts(stack.db) });
    printVerdict('scenario 4, poison', verdict, {
      'poison dead-lettered': `${dead.length}/${poison.length}`,
      'consumer restarts': logsSaying(stack.runner, 'consumer detached').length,
    });

    // Every poison message is there, with a reason that names its fault, and none was retried.
    const reasons = dead.map((letter) => letter.error);
    for (const bad of poison) {
      expect(reasons.filter((reason) => bad.reason.test(reason)).length, bad.name).toBeGreaterThanOrEqual(1);
    }
    expect(dead).toHaveLength(poison.length);
    expect(deadLettered).toBe(poison.length);
    expect(logsSaying(stack.runner, 'retrying')).toEqual([]);
    expect(logsSaying(stack.runner, 'consumer detached')).toEqual([]);
    expect(logsSaying(stack.runner, 'connection lost')).toEqual([]);
    expect(verdict.ok).toBe(valid);
    expect(verdict.lost).toEqual([]);
    expect(verdict.duplicated).toEqual([]);
  }, 120_000);
});

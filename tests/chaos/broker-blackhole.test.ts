import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { atScale, effectCounts, printVerdict } from '../helpers/chaos.ts';
import {
  effectBody,
  logsSaying,
  publishToEffectQueue,
  settledVerdict,
  useChaosStack,
} from '../helpers/chaos-runner.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenario 3: the network between the worker and the broker goes silent (a black hole:
 * nothing is refused or reset, nothing arrives) while messages keep coming. The heartbeat finds
 * the dead connection, the driver reconnects once the network is back and resubscribes, and
 * every message is done exactly once: the ones whose ack was swallowed are redelivered and found
 * in the inbox.
 */
const heartbeatS = atScale(2, 5);
const silenceMs = atScale(5_000, 60_000);
const stack = useChaosStack({
  through: 'rabbitmq',
  roles: ['worker'],
  rabbitmqQuery: `?heartbeat=${heartbeatS}`,
});

describe('chaos: a silent network drop between worker and broker', () => {
  it(`a ${silenceMs / 1000} s black hole (heartbeat ${heartbeatS} s): detected, resubscribed, each done once`, async () => {
    const run = randomUUID().slice(0, 8);
    const keys: string[] = [];
    // A batch of messages every 100 ms, straight to the broker, all through the test.
    let publishing = true;
    const publisher = (async () => {
      for (let batch = 0; publishing; batch++) {
        const values = Array.from({ length: 5 }, (_, i) => `${run}-${batch}-${i}`);
        keys.push(...values);
        await publishToEffectQueue(
          stack.prefix,
          values.map((value) => effectBody(value)),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const effectsNow = async () => (await effectCounts(stack.db)).size;
    await waitFor(async () => (await effectsNow()) >= 50, { timeoutMs: 20_000 });

    const silentFrom = Date.now();
    stack.proxy.blackhole();
    const lost = await waitFor(() => logsSaying(stack.runner, 'connection lost')[0], {
      timeoutMs: silenceMs,
      message: 'the heartbeat to find the silent connection',
    });
    const detectedAfterMs = lost.time - silentFrom;
    await new Promise((resolve) => setTimeout(resolve, silentFrom + silenceMs - Date.now()));
    const effectsAtHeal = await effectsNow();
    stack.proxy.heal();
    const healedAt = Date.now();
    const resumedAfterMs = await waitFor(
      async () => (await effectsNow()) > effectsAtHeal && Date.now() - healedAt,
      {
        timeoutMs: 30_000,
        intervalMs: 50,
        message: 'the consumer to resume after the heal',
      },
    );
    publishing = false;
    await publisher;

    const verdict = await settledVerdict(stack, { enqueued: keys });
    printVerdict(`scenario 3, ${silenceMs / 1000} s black hole`, verdict, {
      'detected after': `${detectedAfterMs} ms (heartbeat ${heartbeatS} s)`,
      'consuming again after the heal': `${resumedAfterMs} ms`,
      'failed reconnects in the hole': logsSaying(stack.runner, 'reconnect failed').length,
    });
    // Found within two heartbeat intervals, as RabbitMQ itself allows (shared/queue/rabbitmq/connection.ts).
    expect(detectedAfterMs).toBeLessThanOrEqual(2 * heartbeatS * 1000);
    expect(verdict.lost).toEqual([]);
    expect(verdict.duplicated).toEqual([]);
    expect(verdict.deadLettered).toEqual([]);
    expect(verdict.ok).toBe(keys.length);
    await waitFor(() => stack.proxy.live === 1, {
      timeoutMs: 5_000,
      message: 'one broker connection after the heal',
    });
  }, 180_000);
});

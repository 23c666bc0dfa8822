import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { atScale, effectCounts, printVerdict } from '../helpers/chaos.ts';
import { logsSaying, settledVerdict, useChaosStack } from '../helpers/chaos-runner.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenario 5: the worker's Postgres connections are cut (TCP reset, mid-transaction and
 * mid-commit) again and again while it works through a stream of tasks. The attempts that lose
 * their connection fail and are retried; the pool opens new connections; every task is done
 * exactly once (a commit whose answer was lost is found in the inbox on the retry).
 */
const stack = useChaosStack({ through: 'postgres', roles: ['worker'] });

describe('chaos: Postgres connections cut', () => {
  const tasks = atScale(1_000, 5_000);
  const cuts = atScale(4, 10);

  it(`cuts the worker's database connections ${cuts} times during ${tasks} tasks: retried, each done once`, async () => {
    const run = randomUUID().slice(0, 8);
    const keys = Array.from({ length: tasks }, (_, i) => `${run}-${i}`);
    for (let start = 0; start < tasks; start += 500) {
      await Promise.all(
        keys
          .slice(start, start + 500)
          .map((value) =>
            stack.runner.driver.publish(createEnvelope({ kind: 'chaos_effect', payload: { value } })),
          ),
      );
    }

    const done = async () => (await effectCounts(stack.db)).size;
    let connectionsCut = 0;
    for (let cut = 1; cut <= cuts; cut++) {
      await waitFor(async () => (await done()) >= (tasks * cut) / (cuts + 1), {
        timeoutMs: 60_000,
        intervalMs: 10,
      });
      connectionsCut += stack.proxy.reset();
    }
    const verdict = await settledVerdict(stack, { enqueued: keys });
    const retried = logsSaying(stack.runner, 'retrying').length;
    printVerdict(`scenario 5, ${cuts} Postgres cuts`, verdict, {
      'connections cut': connectionsCut,
      'attempts retried': retried,
      'pool connections now': stack.proxy.live,
    });
    expect(connectionsCut).toBeGreaterThanOrEqual(cuts); // the faults landed...
    expect(retried).toBeGreaterThan(0); // ...on work in flight
    expect(verdict.lost).toEqual([]);
    expect(verdict.duplicated).toEqual([]);
    expect(verdict.deadLettered).toEqual([]);
    expect(verdict.ok).toBe(tasks);
    // The pool recovered: it still answers through the proxy.
    expect(stack.proxy.live).toBeGreaterThan(0);
  }, 180_000);
});

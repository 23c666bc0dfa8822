import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { atScale, effectCounts, printVerdict } from '../helpers/chaos.ts';
import { settledVerdict, useChaosStack } from '../helpers/chaos-runner.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenario 2: HTTP requests that queue work while the broker connection is cut (TCP reset)
 * again and again, and while the broker is unreachable for a while. A 202 is only ever answered
 * after the broker confirmed the publish, so every 202 has its effect; a publish that was not
 * confirmed is answered 503 (it may still have reached the broker: then it is done once, which the
 * checker counts as "recovered"). Afterwards the consumer has resumed and the process holds one
 * broker connection: none leaked across the cuts.
 */
const stack = useChaosStack({ through: 'rabbitmq', roles: ['web', 'worker'] });

describe('chaos: broker connection cut under HTTP publishes', () => {
  const requests = atScale(480, 2_000);
  const streamMs = atScale(8_000, 40_000);
  const outage = atScale({ fromMs: 800, forMs: 1_500 }, { fromMs: 4_000, forMs: 10_000 });
  // Resets after the outage (the driver is back by then: its reconnect backoff grows from 250 ms
  // to 10 s), the last one well before the end.
  const resetsMs = atScale(
    [4_500, 5_100, 5_700, 6_300],
    [22_000, 23_500, 25_000, 26_500, 28_000, 29_500, 31_000, 32_500, 34_000, 35_500],
  );
  const tailMs = streamMs - 1_000; // requests sent after this all get a 202 again
  const title = `${requests} requests, ${resetsMs.length} resets, ${outage.forMs / 1000} s unreachable`;

  it(`${title}: a 202 only when confirmed, each done once`, async () => {
    const run = randomUUID().slice(0, 8);
    const answers = new Map<string, { status: number; sentAtMs: number }>();
    const effectsNow = async () => (await effectCounts(stack.db)).size;
    const startedAt = Date.now();
    const at = (ms: number) => new Promise((resolve) => setTimeout(resolve, startedAt + ms - Date.now()));

    const faults = (async () => {
      await at(outage.fromMs);
      await stack.proxy.close(); // refused, and every live connection cut
      await at(outage.fromMs + outage.forMs);
      const effectsAtRestore = await effectsNow();
      await stack.proxy.start();
      const restoredAt = Date.now();
      const resumed = waitFor(
        async () => (await effectsNow()) > effectsAtRestore && Date.now() - restoredAt,
        {
          timeoutMs: 30_000,
          intervalMs: 50,
          message: 'the consumer to resume after the outage',
        },
      );
      for (const resetMs of resetsMs) {
        await at(resetMs);
        stack.proxy.reset();
      }
      return resumed;
    })();

    // A steady stream, 16 requests in flight at most.
    let next = 0;
    const client = async () => {
      while (next < requests) {
        const n = next++;
        const sentAtMs = (n * streamMs) / requests;
        await at(sentAtMs);
        const value = `${run}-${n}`;
        const res = await fetch(`${stack.runner.url}/chaos/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ value }),
        });
        answers.set(value, { status: res.status, sentAtMs });
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    const resumedAfterMs = await faults;

    const answered = (status: number) =>
      [...answers].filter(([, a]) => a.status === status).map(([value]) => value);
    const accepted = answered(202);
    const refused = answered(503);
    const verdict = await settledVerdict(stack, { enqueued: accepted, indeterminate: refused });
    printVerdict(`scenario 2, ${title}`, verdict, {
      '202': accepted.length,
      '503': refused.length,
      'consumer resumed after': `${resumedAfterMs} ms`,
      'broker connections now': stack.proxy.live,
      'connections made': stack.proxy.accepted,
    });
    expect([...answers.values()].filter((a) => a.status !== 202 && a.status !== 503)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0); // the faults met requests...
    const tail = [...answers.values()].filter((a) => a.sentAtMs >= tailMs);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.filter((a) => a.status !== 202)).toEqual([]); // ...and publishing recovered from them
    expect(verdict.lost).toEqual([]);
    expect(verdict.duplicated).toEqual([]);
    expect(verdict.unexpected).toEqual([]);
    expect(verdict.ok).toBe(accepted.length);
    expect(resumedAfterMs).toBeLessThan(30_000);
    await waitFor(() => stack.proxy.live === 1, {
      timeoutMs: 5_000,
      message: 'one broker connection, none leaked',
    });
  }, 180_000);
});

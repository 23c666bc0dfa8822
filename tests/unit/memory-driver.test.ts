import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import { createEnvelope, parseEnvelope, type Envelope } from '../../shared/queue/envelope.ts';
import type { Outcome, QueueDriver, QueueSpec } from '../../shared/queue/port.ts';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { UnroutableMessageError } from '../../shared/queue/errors.ts';
import { waitFor } from '../helpers/wait.ts';

const spec = (name: string, kinds: string[], concurrency = 1): QueueSpec => ({
  name,
  kinds,
  concurrency,
  retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
});

describe('memory driver', () => {
  let driver: QueueDriver;
  afterEach(() => driver?.close());

  it('delivers a kind to every bound queue', async () => {
    driver = createMemoryDriver();
    await driver.declare({ queues: [spec('a', ['k']), spec('b', ['k', 'other'])] });
    const seen: string[] = [];
    for (const name of ['a', 'b']) {
      await driver.consume(spec(name, []), async (d) => {
        seen.push(`${d.queue}:${(parseEnvelope(d.body) as { envelope: Envelope }).envelope.kind}`);
        return { type: 'ack' };
      });
    }
    await driver.publish(createEnvelope({ kind: 'k', payload: {} }));
    await waitFor(() => seen.length === 2);
    expect(seen.sort()).toEqual(['a:k', 'b:k']);
  });

  it('refuses a kind nobody consumes and fails when closed', async () => {
    driver = createMemoryDriver();
    await driver.declare({ queues: [spec('a', ['k'])] });
    await expect(driver.publish(createEnvelope({ kind: 'nobody', payload: {} }))).rejects.toBeInstanceOf(
      UnroutableMessageError,
    );
    await driver.close();
    await expect(driver.publish(createEnvelope({ kind: 'k', payload: {} }))).rejects.toBeInstanceOf(
      QueueUnavailableError,
    );
  });

  it('never runs more than `concurrency` handlers at once', async () => {
    driver = createMemoryDriver();
    await driver.declare({ queues: [spec('a', ['k'], 3)] });
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    await driver.consume(spec('a', ['k'], 3), async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      done++;
      return { type: 'ack' };
    });
    await Promise.all(
      Array.from({ length: 20 }, () => driver.publish(createEnvelope({ kind: 'k', payload: {} }))),
    );
    await waitFor(() => done === 20);
    expect(peak).toBe(3);
  });

  it('redelivers a retry after its delay and dead-letters with the error', async () => {
    driver = createMemoryDriver();
    await driver.declare({ queues: [spec('a', ['k'])] });
    const attempts: { attempt: number; at: number }[] = [];
    await driver.consume(spec('a', ['k']), async (d): Promise<Outcome> => {
      const envelope = (parseEnvelope(d.body) as { envelope: Envelope }).envelope;
      attempts.push({ attempt: envelope.attempt, at: Date.now() });
      return envelope.attempt < 2
        ? {
            type: 'retry',
            envelope: { ...envelope, attempt: envelope.attempt + 1 },
            delayMs: 40,
            error: 'boom',
          }
        : { type: 'dead', envelope, error: 'gave up' };
    });
    const sent = createEnvelope({ kind: 'k', payload: { n: 1 } });
    await driver.publish(sent);
    await waitFor(async () => (await driver.depth('a')).dead === 1);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(35);
    const [dead] = await driver.listDead('a', 10);
    expect(dead).toMatchObject({
      deadId: sent.id,
      error: 'gave up',
      envelope: { id: sent.id, payload: { n: 1 } },
    });
  });

  it('replays a dead message with attempt reset to 1', async () => {
    driver = createMemoryDriver();
    await driver.declare({ queues: [spec('a', ['k'])] });
    const seen: number[] = [];
    await driver.consume(spec('a', ['k']), async (d): Promise<Outcome> => {
      const { envelope } = parseEnvelope(d.body) as { envelope: Envelope };
      seen.push(envelope.attempt);
      return seen.length === 1
        ? { type: 'dead', envelope: { ...envelope, attempt: 3 }, error: 'x' }
        : { type: 'ack' };
    });
    await driver.publish(createEnvelope({ kind: 'k', payload: {} }));
    await waitFor(async () => (await driver.depth('a')).dead === 1);
    expect(await driver.replayDead('a', { deadIds: ['not-there'] })).toBe(0);
    expect(await driver.replayDead('a')).toBe(1);
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual([1, 1]);
    expect((await driver.depth('a')).dead).toBe(0);
  });

  it('stop() waits for in-flight work', async () => {
    driver = createMemoryDriver();
    await driver.declare({ queues: [spec('a', ['k'])] });
    let finished = false;
    let started = false;
    const consumer = await driver.consume(spec('a', ['k']), async () => {
      started = true;
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
      return { type: 'ack' };
    });
    await driver.publish(createEnvelope({ kind: 'k', payload: {} }));
    await waitFor(() => started);
    await consumer.stop();
    expect(finished).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { createEnvelope, parseEnvelope, type Envelope } from '../../shared/queue/envelope.ts';
import type { DeliveryHandler, QueueDriver } from '../../shared/queue/port.ts';
import { driverEntries } from '../helpers/drivers.ts';
import { waitFor } from '../helpers/wait.ts';
import { onTeardown, queueSpec, startDriver, within } from './harness.ts';

/**
 * Conformance, part 1: the queue port itself, with hand-written outcomes. Every driver in
 * tests/helpers/drivers.ts must pass every case unchanged.
 */

/** Publishers running side by side in the no-loss case. */
const PUBLISHERS = 16;

const envelopeIdOf = (body: Buffer): string => {
  const parsed = parseEnvelope(body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.envelope.id;
};

const isEmpty = async (driver: QueueDriver, queue: string) => {
  const depth = await driver.depth(queue);
  return depth.ready === 0 && depth.delayed === 0 && depth.dead === 0;
};

describe.each(driverEntries)('queue port conformance: $name', (entry) => {
  it('publish → consume → ack delivers each message exactly once', async () => {
    const spec = queueSpec('basic');
    const { driver } = await startDriver(entry);
    await driver.declare({ queues: [spec] });
    const seen: string[] = [];
    const consumer = await driver.consume(spec, async (delivery) => {
      expect(delivery).toMatchObject({ queue: spec.name, redelivered: false });
      seen.push(envelopeIdOf(delivery.body));
      return { type: 'ack' };
    });
    const sent = Array.from({ length: 5 }, (_, n) =>
      createEnvelope({ kind: spec.kinds[0]!, payload: { n } }),
    );
    for (const envelope of sent) await driver.publish(envelope);
    await waitFor(() => seen.length >= sent.length, { timeoutMs: 10_000 });
    await consumer.stop();
    // Acked: an unacked message would be back in `ready` once its consumer stopped.
    await waitFor(() => isEmpty(driver, spec.name), { message: 'queue empty after acks' });
    expect(seen.sort()).toEqual(sent.map((e) => e.id).sort());
  });

  it(`loses nothing and duplicates nothing: ${entry.volume} messages, many publishers and consumers`, async () => {
    const spec = queueSpec('volume', { concurrency: 64 });
    const { driver, attachPeer } = await startDriver(entry);
    await driver.declare({ queues: [spec] });
    const received = new Set<string>();
    let deliveries = 0;
    const handler: DeliveryHandler = async (delivery) => {
      received.add(envelopeIdOf(delivery.body));
      deliveries++;
      return { type: 'ack' };
    };
    await driver.consume(spec, handler);
    if (attachPeer) {
      // A second consumer process on the same queue, where the driver can have one.
      const peer = await attachPeer();
      await peer.driver.declare({ queues: [spec] });
      await peer.driver.consume(spec, handler);
    }
    const sent = Array.from({ length: entry.volume }, (_, n) =>
      createEnvelope({ kind: spec.kinds[0]!, payload: { n } }),
    );
    let next = 0;
    const publisher = async () => {
      while (next < sent.length) await driver.publish(sent[next++]!);
    };
    await Promise.all(Array.from({ length: PUBLISHERS }, publisher));
    await waitFor(() => received.size === sent.length, {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: `all ${sent.length} messages received (got ${received.size})`,
    });
    await waitFor(() => isEmpty(driver, spec.name), { timeoutMs: 10_000, message: 'every message acked' });
    expect(sent.every((e) => received.has(e.id))).toBe(true);
    expect(deliveries).toBe(sent.length);
  });

  it('never has more messages in flight than the queue concurrency (prefetch)', async () => {
    const spec = queueSpec('prefetch', { concurrency: 3 });
    const { driver } = await startDriver(entry);
    await driver.declare({ queues: [spec] });
    let inFlight = 0;
    let maxInFlight = 0;
    let done = 0;
    const gate = Promise.withResolvers<void>();
    await driver.consume(spec, async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await gate.promise;
      inFlight--;
      done++;
      return { type: 'ack' };
    });
    for (let n = 0; n < 12; n++)
      await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: { n } }));
    try {
      // The broker holds back what is not taken: 3 handlers waiting, 9 messages still ready.
      await waitFor(async () => inFlight === 3 && (await driver.depth(spec.name)).ready === 9, {
        timeoutMs: 10_000,
        message: '3 in flight, 9 ready',
      });
    } finally {
      gate.resolve();
    }
    await waitFor(() => done === 12, { timeoutMs: 10_000 });
    expect(maxInFlight).toBe(3);
  });

  it('fails fast with QueueUnavailableError when the broker is unreachable', async () => {
    // Declared while the broker was there, where declaring needs it: publish knows its route.
    const spec = queueSpec('unreachable');
    const { driver, cleanup } = await entry.createUnreachable({ queues: [spec] });
    onTeardown(cleanup);
    const startedAt = Date.now();
    const error: unknown = await within(
      5_000,
      'publish to an unreachable broker',
      driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} })).then(
        () => new Error('publish resolved'),
        (err: unknown) => err,
      ),
    );
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect(error).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    await expect(driver.check()).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it('consumer.stop() waits for in-flight handlers, acks them, and takes nothing new', async () => {
    const spec = queueSpec('stop');
    const { driver } = await startDriver(entry);
    await driver.declare({ queues: [spec] });
    const gate = Promise.withResolvers<void>();
    const started: Envelope['id'][] = [];
    let finished = 0;
    const consumer = await driver.consume(spec, async (delivery) => {
      started.push(envelopeIdOf(delivery.body));
      await gate.promise;
      finished++;
      return { type: 'ack' };
    });
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    await waitFor(() => started.length === 1, { timeoutMs: 10_000 });
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    // Proving a negative needs a window: a stop() that does not drain resolves well within it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(1);
    await waitFor(() => isEmpty(driver, spec.name), { message: 'in-flight message acked' });

    // Stopped means stopped: a new message waits in the queue.
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    await waitFor(async () => (await driver.depth(spec.name)).ready === 1, { timeoutMs: 10_000 });
    expect(started).toHaveLength(1);
  });
});

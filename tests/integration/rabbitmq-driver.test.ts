import { afterEach, describe, expect, it } from 'vitest';
import { createEnvelope, parseEnvelope } from '../../shared/queue/envelope.ts';
import type { Delivery, Outcome } from '../../shared/queue/port.ts';
import { DELIVERY_LIMIT, UnroutableMessageError, topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import {
  deleteRabbitNamespace,
  publishRaw,
  rabbitDrivers,
  testQueueSpec,
  withRawChannel,
} from '../helpers/rabbitmq.ts';
import { waitFor } from '../helpers/wait.ts';
import { envelopeOf, recorder } from '../helpers/deliveries.ts';

/** The RabbitMQ driver against the real broker; each test has its own prefix and cleans it up. */
const drivers = rabbitDrivers();
afterEach(() => drivers.cleanup());

describe('rabbitmq driver: topology and publishing', () => {
  it('declares idempotently, also from a second connection', async () => {
    const spec = testQueueSpec('idem.a', { retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 300 } });
    const { driver, prefix } = await drivers.start([spec]);
    await driver.declare({ queues: [spec] });
    // Another process declaring the same topology must match the existing queues exactly.
    const other = await drivers.start([spec], { prefix });
    const names = topologyNames(prefix);
    const counts = await withRawChannel(async (channel) => {
      const queues = [
        names.main(spec.name),
        names.dlq(spec.name),
        names.retry(spec.name, 1),
        names.retry(spec.name, 2),
      ];
      return Promise.all(queues.map(async (queue) => (await channel.checkQueue(queue)).messageCount));
    });
    expect(counts).toEqual([0, 0, 0, 0]);
    expect(await other.driver.depth(spec.name)).toEqual({ ready: 0, delayed: 0, dead: 0 });
  });

  it('reports a conflicting existing queue as TopologyConflictError', async () => {
    const spec = testQueueSpec('conflict.a');
    const { driver, prefix } = await drivers.start([]);
    try {
      // A classic queue where the driver wants a quorum queue: the broker refuses to change it.
      await withRawChannel((channel) =>
        channel.assertQueue(topologyNames(prefix).main(spec.name), { durable: true }),
      );
      await expect(driver.declare({ queues: [spec] })).rejects.toMatchObject({
        code: 'QUEUE_TOPOLOGY_CONFLICT',
      });
      await withRawChannel((channel) => channel.deleteQueue(topologyNames(prefix).main(spec.name)));
      await driver.declare({ queues: [spec] });
    } finally {
      await deleteRabbitNamespace(prefix, [spec.name]);
    }
  });

  it('publishes persistent JSON with the envelope id and routing headers', async () => {
    const spec = testQueueSpec('props.a');
    const { driver, prefix } = await drivers.start([spec]);
    const envelope = createEnvelope({ kind: spec.kinds[0]!, payload: { n: 1 }, correlationId: 'corr-1' });
    await driver.publish(envelope);
    const message = await withRawChannel((channel) =>
      channel.get(topologyNames(prefix).main(spec.name), { noAck: true }),
    );
    if (!message) throw new Error('message not in queue');
    expect(JSON.parse(message.content.toString())).toEqual(envelope);
    expect(message.properties).toMatchObject({
      deliveryMode: 2,
      contentType: 'application/json',
      messageId: envelope.id,
      headers: { kind: envelope.kind, correlationId: 'corr-1', attempt: 1 },
    });
  });

  it('rejects a kind no queue is bound to with UnroutableMessageError, and keeps publishing', async () => {
    const spec = testQueueSpec('unroutable.a');
    const { driver } = await drivers.start([spec]);
    const error = await driver
      .publish(createEnvelope({ kind: 'nobody_consumes_this', payload: {} }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnroutableMessageError);
    expect(error.code).toBe('UNROUTABLE');
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    expect((await driver.depth(spec.name)).ready).toBe(1);
  });

  it('pipelines many concurrent publishes on one confirm channel', async () => {
    const spec = testQueueSpec('bulk.a');
    const { driver } = await drivers.start([spec]);
    const envelopes = Array.from({ length: 2000 }, (_, n) =>
      createEnvelope({ kind: spec.kinds[0]!, payload: { n } }),
    );
    await Promise.all(envelopes.map((envelope) => driver.publish(envelope)));
    expect((await driver.depth(spec.name)).ready).toBe(2000);
  });
});

describe('rabbitmq driver: consuming and outcomes', () => {
  it('delivers a published message and acks it', async () => {
    const spec = testQueueSpec('basic.a');
    const { driver } = await drivers.start([spec]);
    const { seen, handler } = recorder();
    const consumer = await driver.consume(spec, handler);
    const envelope = createEnvelope({ kind: spec.kinds[0]!, payload: { hello: 'world' } });
    await driver.publish(envelope);
    await waitFor(() => seen.length === 1);
    expect(envelopeOf(seen[0]!)).toEqual(envelope);
    expect(seen[0]).toMatchObject({ queue: spec.name, redelivered: false });
    // Acked: an unacked message would go back to the queue when the consumer's channel closes.
    await consumer.stop();
    expect(await driver.depth(spec.name)).toEqual({ ready: 0, delayed: 0, dead: 0 });
  });

  it('fans a kind out to every queue bound to it', async () => {
    const a = testQueueSpec('fan.a', { kinds: ['fanned'] });
    const b = testQueueSpec('fan.b', { kinds: ['fanned', 'other'] });
    const { driver } = await drivers.start([a, b]);
    const seenA = recorder();
    const seenB = recorder();
    await driver.consume(a, seenA.handler);
    await driver.consume(b, seenB.handler);
    const envelope = createEnvelope({ kind: 'fanned', payload: {} });
    await driver.publish(envelope);
    await waitFor(() => seenA.seen.length === 1 && seenB.seen.length === 1);
    expect(envelopeOf(seenA.seen[0]!).id).toBe(envelope.id);
    expect(envelopeOf(seenB.seen[0]!).id).toBe(envelope.id);
  });

  it('a retry comes back after its delay with the next attempt, only to the queue that failed', async () => {
    const failing = testQueueSpec('retry.failing', { kinds: ['retried'] });
    const healthy = testQueueSpec('retry.healthy', { kinds: ['retried'] });
    const { driver } = await drivers.start([failing, healthy]);
    const delayMs = 300;
    const firstSeenAt: number[] = [];
    const failer = recorder((delivery, seen) => {
      firstSeenAt.push(Date.now());
      const envelope = envelopeOf(delivery);
      if (seen.length > 1) return { type: 'ack' };
      return {
        type: 'retry',
        envelope: { ...envelope, attempt: envelope.attempt + 1 },
        delayMs,
        error: 'flaky',
      };
    });
    const other = recorder();
    await driver.consume(failing, failer.handler);
    await driver.consume(healthy, other.handler);
    await driver.publish(createEnvelope({ kind: 'retried', payload: {} }));

    await waitFor(async () => (await driver.depth(failing.name)).delayed === 1, {
      message: 'held for retry',
    });
    await waitFor(() => failer.seen.length === 2, { message: 'retried delivery' });
    const waited = firstSeenAt[1]! - firstSeenAt[0]!;
    expect(waited).toBeGreaterThanOrEqual(delayMs - 50);
    expect(waited).toBeLessThan(delayMs + 1500);
    expect(envelopeOf(failer.seen[1]!).attempt).toBe(2);
    expect(envelopeOf(failer.seen[1]!).id).toBe(envelopeOf(failer.seen[0]!).id);
    // Barrier: had the retry been routed by kind, it would reach the healthy queue before this.
    const marker = createEnvelope({ kind: 'retried', payload: 'marker' });
    await driver.publish(marker);
    await waitFor(() => other.seen.some((d) => envelopeOf(d).id === marker.id));
    expect(other.seen).toHaveLength(2);
    await waitFor(() => failer.seen.length === 3);
    expect(await driver.depth(failing.name)).toEqual({ ready: 0, delayed: 0, dead: 0 });
  });

  it('requeues a delivery whose handler throws, flagged as redelivered', async () => {
    const spec = testQueueSpec('throws.a');
    const { driver } = await drivers.start([spec]);
    const seen: Delivery[] = [];
    await driver.consume(spec, async (delivery) => {
      seen.push(delivery);
      if (seen.length === 1) throw new Error('handler bug');
      return { type: 'ack' };
    });
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    await waitFor(() => seen.length === 2);
    expect(seen.map((d) => d.redelivered)).toEqual([false, true]);
  });

  it('dead-letters a message no handler ever settles once it hits the delivery limit', async () => {
    const spec = testQueueSpec('poison.a');
    const { driver } = await drivers.start([spec]);
    let deliveries = 0;
    await driver.consume(spec, async () => {
      deliveries++;
      throw new Error('worker keeps failing'); // requeued every time, as after a crash
    });
    const poison = createEnvelope({ kind: spec.kinds[0]!, payload: 'poison' });
    await driver.publish(poison);
    await waitFor(async () => (await driver.depth(spec.name)).dead === 1, { timeoutMs: 10_000 });
    expect(deliveries).toBe(DELIVERY_LIMIT + 1);
    const [dead] = await driver.listDead(spec.name, 10);
    expect(dead).toMatchObject({ deadId: poison.id, envelope: poison });
    expect(dead!.error).toMatch(/delivery limit/);
  });

  it('dead-letters with the error, lists without removing, and replays with attempt 1', async () => {
    const spec = testQueueSpec('dead.a');
    const { driver } = await drivers.start([spec]);
    let rejecting = true;
    const { seen, handler } = recorder((delivery) => {
      const envelope = envelopeOf(delivery);
      return rejecting
        ? { type: 'dead', error: `gave up on ${envelope.payload}`, envelope }
        : { type: 'ack' };
    });
    await driver.consume(spec, handler);
    const kept = createEnvelope({ kind: spec.kinds[0]!, payload: 'kept' });
    const replayed = { ...createEnvelope({ kind: spec.kinds[0]!, payload: 'replayed' }), attempt: 3 };
    await driver.publish(kept);
    await driver.publish(replayed);
    await waitFor(async () => (await driver.depth(spec.name)).dead === 2);

    const listed = await driver.listDead(spec.name, 10);
    expect(listed.map((d) => d.deadId).sort()).toEqual([kept.id, replayed.id].sort());
    const dead = listed.find((d) => d.deadId === replayed.id)!;
    expect(dead).toMatchObject({ queue: spec.name, error: 'gave up on replayed', envelope: replayed });
    expect(Date.parse(dead.deadAt)).not.toBeNaN();
    expect(await driver.listDead(spec.name, 1)).toHaveLength(1);
    await waitFor(async () => (await driver.listDead(spec.name, 10)).length === 2, {
      message: 'listing is not destructive',
    });

    rejecting = false;
    expect(await driver.replayDead(spec.name, { deadIds: [replayed.id] })).toBe(1);
    await waitFor(() => seen.length === 3);
    expect(envelopeOf(seen[2]!)).toEqual({ ...replayed, attempt: 1 });
    await waitFor(async () => (await driver.depth(spec.name)).dead === 1);
    expect((await driver.listDead(spec.name, 10)).map((d) => d.deadId)).toEqual([kept.id]);
  });

  it('keeps the raw bytes of a malformed message in the DLQ and never replays it', async () => {
    const spec = testQueueSpec('malformed.a');
    const { driver, prefix } = await drivers.start([spec]);
    const { seen, handler } = recorder((delivery) => {
      const parsed = parseEnvelope(delivery.body);
      return parsed.ok ? { type: 'ack' } : { type: 'dead', error: parsed.reason };
    });
    await driver.consume(spec, handler);
    await publishRaw(topologyNames(prefix).main(spec.name), 'not json {', { messageId: 'raw-1' });
    await waitFor(async () => (await driver.depth(spec.name)).dead === 1);
    expect(seen[0]!.body.toString()).toBe('not json {');

    const [dead] = await driver.listDead(spec.name, 10);
    expect(dead).toMatchObject({ deadId: 'raw-1', rawBody: 'not json {', queue: spec.name });
    expect(dead!.error).toMatch(/^malformed body/);
    expect(dead!.envelope).toBeUndefined();
    expect(await driver.replayDead(spec.name)).toBe(0);
    await waitFor(async () => (await driver.depth(spec.name)).dead === 1);
  });

  it('never has more messages in flight than the concurrency (prefetch)', async () => {
    const spec = testQueueSpec('prefetch.a', { concurrency: 3 });
    const { driver } = await drivers.start([spec]);
    let inFlight = 0;
    let maxInFlight = 0;
    let done = 0;
    const gate = Promise.withResolvers<void>();
    await driver.consume(spec, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gate.promise;
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      done++;
      return { type: 'ack' };
    });
    await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: { n } })),
      ),
    );
    try {
      // The broker holds back what is not prefetched: 3 delivered and waiting, 9 still ready.
      await waitFor(async () => inFlight === 3 && (await driver.depth(spec.name)).ready === 9);
    } finally {
      gate.resolve();
    }
    await waitFor(() => done === 12);
    expect(maxInFlight).toBe(3);
  });

  it('stop() waits for in-flight handlers and acks them before resolving', async () => {
    const spec = testQueueSpec('stop.a');
    const { driver } = await drivers.start([spec]);
    const gate = Promise.withResolvers<void>();
    let started = false;
    let finished = false;
    const consumer = await driver.consume(spec, async () => {
      started = true;
      await gate.promise;
      finished = true;
      return { type: 'ack' };
    });
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    await waitFor(() => started);
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100)); // give a wrong stop() time to resolve early
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(true);
    expect(await driver.depth(spec.name)).toEqual({ ready: 0, delayed: 0, dead: 0 });
  });

  it('counts ready, delayed and dead messages', async () => {
    const spec = testQueueSpec('depth.a', { retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 } });
    const { driver } = await drivers.start([spec]);
    for (let n = 0; n < 5; n++)
      await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: { n } }));
    expect(await driver.depth(spec.name)).toEqual({ ready: 5, delayed: 0, dead: 0 });

    const consumer = await driver.consume(spec, async (delivery): Promise<Outcome> => {
      const envelope = envelopeOf(delivery);
      const n = (envelope.payload as { n: number }).n;
      if (n < 2) return { type: 'dead', error: 'no', envelope };
      // Long enough to count; different tiers by attempt, all of them summed as delayed.
      return { type: 'retry', envelope: { ...envelope, attempt: n }, delayMs: 30_000, error: 'later' };
    });
    await waitFor(async () => {
      const depth = await driver.depth(spec.name);
      return depth.ready === 0 && depth.delayed === 3 && depth.dead === 2;
    });
    await consumer.stop();
  });

  it('refuses depth and dead-letter access to a queue it never declared', async () => {
    const { driver } = await drivers.start([testQueueSpec('known.a')]);
    await expect(driver.depth('unknown.queue')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(driver.listDead('unknown.queue', 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

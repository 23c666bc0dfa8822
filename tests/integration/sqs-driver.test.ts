import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createSqsDriver, sqsQueueNames, UnroutableMessageError } from '../../shared/queue/sqs/index.ts';
import { testQueueSpec } from '../helpers/rabbitmq.ts';
import {
  messagesIn as messagesInQueue,
  rawSqsClient,
  sqsDrivers,
  sqsTestOptions,
  startSqsEmulator,
  type SqsEmulator,
} from '../helpers/sqs.ts';
import { freePort, tcpProxy } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';
import { envelopeOf, recorder } from '../helpers/deliveries.ts';

/** The SQS driver against an in-process fauxqs emulator; each test has its own prefix. */
let sqs: SqsEmulator;
beforeAll(async () => {
  sqs = await startSqsEmulator();
});
afterAll(() => sqs.stop());

const drivers = sqsDrivers(() => sqs);
afterEach(() => drivers.cleanup());

const messagesIn = (sqsName: string) => messagesInQueue(sqs, sqsName);

describe('sqs driver: topology and publishing', () => {
  it('declares idempotently and reports conflicting attributes as TopologyConflictError', async () => {
    const spec = testQueueSpec('idem.a');
    const { driver, prefix } = await drivers.start([spec]);
    await driver.declare({ queues: [spec] });
    // Another process declaring the same topology finds the queues as they are.
    const other = await drivers.start([spec], { prefix });
    expect(await other.driver.depth(spec.name)).toEqual({ ready: 0, delayed: 0, dead: 0 });
    const names = sqsQueueNames(prefix);
    expect(sqs.server.inspectQueue(names.main(spec.name))?.attributes.RedrivePolicy).toContain(
      names.dlq(spec.name),
    );

    const conflicting = await drivers.start([], { prefix, visibilityTimeoutSeconds: 11 });
    await expect(conflicting.driver.declare({ queues: [spec] })).rejects.toMatchObject({
      code: 'QUEUE_TOPOLOGY_CONFLICT',
    });
  });

  it('rejects a kind no queue consumes with UnroutableMessageError', async () => {
    const { driver } = await drivers.start([testQueueSpec('unroutable.a')]);
    await expect(
      driver.publish(createEnvelope({ kind: 'nobody_consumes_this', payload: {} })),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
  });

  it('rejects publish and check with QueueUnavailableError within 3 s when the endpoint is down', async () => {
    // An emulator of its own, declared and then stopped: the driver knows the topology, the
    // endpoint refuses connections.
    const doomed = await startSqsEmulator();
    const spec = testQueueSpec('down.a');
    const driver = createSqsDriver(sqsTestOptions(doomed.endpoint));
    try {
      await driver.declare({ queues: [spec] });
      await driver.check();
      await doomed.stop();
      let started = Date.now();
      await expect(
        driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} })),
      ).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
      started = Date.now();
      await expect(driver.check()).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await driver.close();
    }
  });

  it('rejects calls on a free port with nothing listening with QueueUnavailableError', async () => {
    const unreachable = createSqsDriver(sqsTestOptions(`http://127.0.0.1:${await freePort()}`));
    try {
      const started = Date.now();
      await expect(unreachable.declare({ queues: [testQueueSpec('nowhere.a')] })).rejects.toBeInstanceOf(
        QueueUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await unreachable.close();
    }
    await expect(unreachable.check()).rejects.toThrow('closed');
  });
});

describe('sqs driver: declared while SQS is away', () => {
  it('refuses publishes with QueueUnavailableError (not unroutable), then declares and delivers once SQS is back', async () => {
    const proxy = await tcpProxy(Number(new URL(sqs.endpoint).port));
    const spec = testQueueSpec('late.a');
    const options = sqsTestOptions(`http://127.0.0.1:${proxy.port}`);
    const driver = createSqsDriver(options);
    try {
      await expect(driver.declare({ queues: [spec] })).rejects.toBeInstanceOf(QueueUnavailableError);
      const envelope = createEnvelope({ kind: spec.kinds[0]!, payload: { n: 1 } });
      await expect(driver.publish(envelope)).rejects.toBeInstanceOf(QueueUnavailableError);

      await proxy.start();
      await driver.check(); // ready only with the queues declared
      await driver.publish(envelope);
      expect(messagesIn(sqsQueueNames(options.prefix).main(spec.name))).toBe(1);
    } finally {
      await driver.close();
      await proxy.close();
    }
  });
});

describe('sqs driver: consuming and outcomes', () => {
  it('delivers a published message with its attributes and deletes it on ack', async () => {
    const spec = testQueueSpec('ack.a');
    const { driver, prefix } = await drivers.start([spec]);
    const { seen, handler } = recorder();
    const consumer = await driver.consume(spec, handler);
    const envelope = createEnvelope({ kind: spec.kinds[0]!, payload: { n: 1 }, correlationId: 'corr-1' });
    await driver.publish(envelope);
    await waitFor(() => seen.length === 1);
    expect(envelopeOf(seen[0]!)).toEqual(envelope);
    expect(seen[0]).toMatchObject({ queue: spec.name, redelivered: false });
    await waitFor(() => messagesIn(sqsQueueNames(prefix).main(spec.name)) === 0, { message: 'deleted' });
    await consumer.stop();
  });

  it('fans a kind out to every queue consuming it', async () => {
    const a = testQueueSpec('fan.a', { kinds: ['fanned'] });
    const b = testQueueSpec('fan.b', { kinds: ['fanned', 'other'] });
    const { driver } = await drivers.start([a, b]);
    const first = recorder();
    const second = recorder();
    const consumers = [await driver.consume(a, first.handler), await driver.consume(b, second.handler)];
    const envelope = createEnvelope({ kind: 'fanned', payload: {} });
    await driver.publish(envelope);
    await waitFor(() => first.seen.length === 1 && second.seen.length === 1);
    expect(envelopeOf(first.seen[0]!).id).toBe(envelope.id);
    expect(envelopeOf(second.seen[0]!).id).toBe(envelope.id);
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  });

  it('a retry comes back after its delay with the next attempt, only to the queue that failed', async () => {
    const failing = testQueueSpec('retry.a', { kinds: ['retried'] });
    const healthy = testQueueSpec('retry.b', { kinds: ['retried'] });
    const { driver } = await drivers.start([failing, healthy]);
    const times: number[] = [];
    const a = recorder((delivery, seen) => {
      times.push(Date.now());
      if (seen.length > 1) return { type: 'ack' };
      const envelope = envelopeOf(delivery);
      return {
        type: 'retry',
        envelope: { ...envelope, attempt: envelope.attempt + 1 },
        delayMs: 1_000,
        error: 'boom',
      };
    });
    const b = recorder();
    const consumers = [await driver.consume(failing, a.handler), await driver.consume(healthy, b.handler)];
    await driver.publish(createEnvelope({ kind: 'retried', payload: {} }));
    await waitFor(() => a.seen.length === 2, { timeoutMs: 8_000 });
    expect(a.seen.map((delivery) => envelopeOf(delivery).attempt)).toEqual([1, 2]);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    expect(b.seen).toHaveLength(1);
    expect(await driver.depth(failing.name)).toMatchObject({ delayed: 0, dead: 0 });
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  });

  it('dead-letters with the error, lists without removing, and replays with attempt 1', async () => {
    const spec = testQueueSpec('dead.a');
    const { driver } = await drivers.start([spec]);
    const { seen, handler } = recorder((delivery, all) =>
      all.length === 1
        ? { type: 'dead', error: 'gave up: boom', envelope: { ...envelopeOf(delivery), attempt: 3 } }
        : { type: 'ack' },
    );
    const consumer = await driver.consume(spec, handler);
    const envelope = createEnvelope({ kind: spec.kinds[0]!, payload: { n: 7 } });
    await driver.publish(envelope);
    await waitFor(async () => (await driver.depth(spec.name)).dead === 1, { message: 'dead-lettered' });

    const listed = await driver.listDead(spec.name, 10);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ deadId: envelope.id, queue: spec.name, error: 'gave up: boom' });
    expect(listed[0]!.envelope).toMatchObject({ id: envelope.id, attempt: 3 });
    expect(Date.parse(listed[0]!.deadAt)).not.toBeNaN();
    // Listing is non-destructive: the message is still there, and visible at once.
    expect(await driver.listDead(spec.name, 10)).toEqual(listed);

    expect(await driver.replayDead(spec.name, { deadIds: [envelope.id] })).toBe(1);
    await waitFor(() => seen.length === 2, { message: 'replayed message consumed' });
    expect(envelopeOf(seen[1]!)).toMatchObject({ id: envelope.id, attempt: 1, payload: { n: 7 } });
    await waitFor(async () => (await driver.depth(spec.name)).dead === 0);
    await consumer.stop();
  });

  it('hands a malformed body to the handler and keeps it raw in the DLQ, never replaying it', async () => {
    const spec = testQueueSpec('malformed.a');
    const { driver, prefix } = await drivers.start([spec]);
    const { seen, handler } = recorder(() => ({ type: 'dead', error: 'malformed body' }));
    const consumer = await driver.consume(spec, handler);
    const raw = rawSqsClient(sqs.endpoint);
    try {
      const { QueueUrl } = await raw.send(
        new GetQueueUrlCommand({ QueueName: sqsQueueNames(prefix).main(spec.name) }),
      );
      await raw.send(new SendMessageCommand({ QueueUrl, MessageBody: 'not json {' }));
    } finally {
      raw.destroy();
    }
    await waitFor(() => seen.length === 1);
    expect(seen[0]!.body.toString('utf8')).toBe('not json {');
    await waitFor(async () => (await driver.depth(spec.name)).dead === 1);
    await consumer.stop();

    const [dead] = await driver.listDead(spec.name, 10);
    expect(dead).toMatchObject({ rawBody: 'not json {', error: 'malformed body' });
    expect(dead!.envelope).toBeUndefined();
    expect(await driver.replayDead(spec.name)).toBe(0);
    expect(await driver.depth(spec.name)).toMatchObject({ ready: 0, dead: 1 });
  });

  it('never has more handlers in flight than the concurrency', async () => {
    const spec = testQueueSpec('conc.a', { concurrency: 3 });
    const { driver } = await drivers.start([spec]);
    let running = 0;
    let peak = 0;
    let done = 0;
    const consumer = await driver.consume(spec, async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running--;
      done++;
      return { type: 'ack' };
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: { n } })),
      ),
    );
    await waitFor(() => done === 20, { timeoutMs: 10_000 });
    expect(peak).toBe(3);
    await consumer.stop();
  });

  it('stop() waits for an in-flight handler and deletes its message before resolving', async () => {
    const spec = testQueueSpec('drain.a');
    const { driver, prefix } = await drivers.start([spec]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const consumer = await driver.consume(spec, async () => {
      started = true;
      await gate;
      return { type: 'ack' };
    });
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    await waitFor(() => started);
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(messagesIn(sqsQueueNames(prefix).main(spec.name))).toBe(0);
  });

  it('extends the visibility of a message whose handler runs longer than the timeout', async () => {
    const spec = testQueueSpec('heartbeat.a');
    const { driver } = await drivers.start([spec], { visibilityTimeoutSeconds: 2 });
    const { seen, handler } = recorder();
    let finished = false;
    const consumer = await driver.consume(spec, async (delivery) => {
      const outcome = await handler(delivery);
      // Past the 2 s visibility timeout: without the heartbeat a second poll would get it again.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      finished = true;
      return outcome;
    });
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    await waitFor(() => finished, { timeoutMs: 8_000 });
    await consumer.stop();
    expect(seen).toHaveLength(1);
    expect(await driver.depth(spec.name)).toEqual({ ready: 0, delayed: 0, dead: 0 });
  });

  it('counts ready, delayed and dead messages', async () => {
    const spec = testQueueSpec('depth.a');
    const { driver, prefix } = await drivers.start([spec]);
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: {} }));
    const names = sqsQueueNames(prefix);
    sqs.server.sendMessage(
      names.main(spec.name),
      JSON.stringify(createEnvelope({ kind: 'x', payload: {} })),
      {
        delaySeconds: 60,
      },
    );
    sqs.server.sendMessage(names.dlq(spec.name), 'dead body');
    expect(await driver.depth(spec.name)).toEqual({ ready: 2, delayed: 1, dead: 1 });
    await expect(driver.depth('never.declared')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { createEnvelope, parseEnvelope } from '../../shared/queue/envelope.ts';
import type { Delivery } from '../../shared/queue/port.ts';
import { createRabbitMqDriver } from '../../shared/queue/rabbitmq/index.ts';
import { closeConnectionsNamed, rabbitDrivers, testQueueSpec } from '../helpers/rabbitmq.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The driver when the broker is away: never reachable, or closing the driver's connection
 * under it (targeted with `rabbitmqctl close_connection`, so test files running in parallel
 * keep theirs).
 */
const drivers = rabbitDrivers();
afterEach(() => drivers.cleanup());

const idOf = (delivery: Delivery) => {
  const parsed = parseEnvelope(delivery.body);
  return parsed.ok ? parsed.envelope.id : 'malformed';
};

describe('rabbitmq driver: broker unavailable', () => {
  it('fails fast with QueueUnavailableError when the broker cannot be reached', async () => {
    const driver = createRabbitMqDriver({ url: 'amqp://guest:guest@127.0.0.1:5999', prefix: 'never.' });
    try {
      const startedAt = Date.now();
      const error = await driver.publish(createEnvelope({ kind: 'anything', payload: {} })).catch((e) => e);
      expect(error).toBeInstanceOf(QueueUnavailableError);
      expect(error.status).toBe(503);
      expect(error.cause).toBeDefined();
      await expect(driver.check()).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(Date.now() - startedAt).toBeLessThan(3_000);
    } finally {
      await driver.close();
    }
  });

  it('gives up connecting after connectTimeoutMs when the broker does not answer', async () => {
    // A non-routable address: the TCP handshake never completes.
    const driver = createRabbitMqDriver({ url: 'amqp://10.255.255.1:5672', connectTimeoutMs: 300 });
    try {
      const startedAt = Date.now();
      await expect(driver.check()).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    } finally {
      await driver.close();
    }
  });
});

describe('rabbitmq driver: connection closed by the broker', () => {
  it('reconnects, redelivers the message in flight, and consumes what is published after', async () => {
    const spec = testQueueSpec('recover.a', { concurrency: 2 });
    const { driver, connectionName } = await drivers.start([spec], {
      reconnect: { baseDelayMs: 100, maxDelayMs: 500 },
    });
    const seen: Delivery[] = [];
    const gate = Promise.withResolvers<void>();
    await driver.consume(spec, async (delivery) => {
      seen.push(delivery);
      if (seen.length === 1) await gate.promise; // the first delivery is in flight during the outage
      return { type: 'ack' };
    });
    const inFlight = createEnvelope({ kind: spec.kinds[0]!, payload: 'in flight' });
    await driver.publish(inFlight);
    await waitFor(() => seen.length === 1);

    expect(await closeConnectionsNamed(connectionName)).toBe(1);
    // Its ack now goes to a dead channel: must be skipped quietly, not thrown.
    await waitFor(async () => {
      await driver.check();
      return true;
    });
    gate.resolve();

    await waitFor(() => seen.some((d, n) => n > 0 && idOf(d) === inFlight.id), { timeoutMs: 10_000 });
    const redelivery = seen.find((d, n) => n > 0 && idOf(d) === inFlight.id)!;
    expect(redelivery.redelivered).toBe(true);

    const after = createEnvelope({ kind: spec.kinds[0]!, payload: 'after' });
    await driver.publish(after);
    await waitFor(() => seen.some((d) => idOf(d) === after.id), { timeoutMs: 10_000 });
    await waitFor(async () => (await driver.depth(spec.name)).ready === 0);
  }, 20_000);

  it('fails publishes fast while reconnecting, then publishes again', async () => {
    const spec = testQueueSpec('reconnecting.a');
    // A long first backoff leaves a window in which the driver knows it is disconnected.
    const { driver, connectionName } = await drivers.start([spec], {
      reconnect: { baseDelayMs: 1_500, maxDelayMs: 3_000 },
    });
    await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: 'before' }));
    await closeConnectionsNamed(connectionName);

    const refusal = await waitFor(
      async () => {
        const startedAt = Date.now();
        const error = await driver
          .publish(createEnvelope({ kind: spec.kinds[0]!, payload: 'during' }))
          .catch((e) => e);
        return error instanceof QueueUnavailableError && { elapsedMs: Date.now() - startedAt };
      },
      { message: 'publish refused while disconnected' },
    );
    // Fast means "refused at once, not after waiting": a driver that waited would take the
    // 5 s confirm timeout (or succeed after the 1.5 s reconnect backoff). Refusal takes a few
    // ms, but a loaded 2-core CI machine can stall any one call; 1.5 s keeps the margin wide.
    expect(refusal.elapsedMs).toBeLessThan(1_500);

    await waitFor(
      async () => {
        await driver.publish(createEnvelope({ kind: spec.kinds[0]!, payload: 'after' }));
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'publish works again after reconnecting' },
    );
    // 'before' and 'after' made it; the refused ones did not sneak in later.
    expect((await driver.depth(spec.name)).ready).toBe(2);
  }, 20_000);
});

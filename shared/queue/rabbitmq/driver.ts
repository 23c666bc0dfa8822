import { hostname } from 'node:os';
import type { Channel } from 'amqplib';
import { pino, type Logger } from 'pino';
import { QueueUnavailableError } from '../../errors.ts';
import type { Envelope } from '../envelope.ts';
import type { QueueDriver, QueueSpec } from '../port.ts';
import { toQueueError, withChannel } from './channels.ts';
import { createConnectionManager } from './connection.ts';
import { createQueueConsumer, type QueueConsumer } from './consumer.ts';
import { listDeadLetters, purgeDeadLetters, replayDeadLetters } from './dead-letters.ts';
import { queueDepth } from './depth.ts';
import { encodeEnvelope, envelopeProperties } from './messages.ts';
import { topologyNames } from './names.ts';
import { createConfirmPublisher } from './publisher.ts';
import { createTopologyRegistry, declareExchange, declareQueueSpec } from './topology.ts';

export interface RabbitMqDriverOptions {
  /** `amqp://user:pass@host:5672/vhost`; amqplib URL query options (heartbeat, frameMax) apply. */
  url: string;
  /** Prepended to the exchange and every queue name (e.g. `t42.`), so deployments can share a broker. */
  prefix?: string;
  log?: Logger;
  /** A publish with no broker confirm within this time fails with QueueUnavailableError. Default 5000. */
  publishTimeoutMs?: number;
  /** TCP connect plus AMQP handshake. Default 2000: a route answers 503 fast when the broker is down. */
  connectTimeoutMs?: number;
  /** `connection_name` client property, to find (or close) this connection with rabbitmqctl. */
  connectionName?: string;
  /** Backoff between reconnect attempts, and between re-attaching a consumer. Default 250 ms .. 10 s. */
  reconnect?: { baseDelayMs?: number; maxDelayMs?: number };
}

/**
 * The RabbitMQ queue driver (amqplib): a durable direct exchange routing envelopes by kind to
 * one quorum queue per task function, retries delayed by the broker in per-attempt holding
 * queues, a quorum dead-letter queue per function, and automatic reconnection.
 *
 * @example
 *   const queue = createRabbitMqDriver({ url: 'amqp://guest:guest@127.0.0.1:5672', prefix: 'dev.' });
 *   await queue.declare({ queues: [{ name: 'notes.index', kinds: ['note_saved'], concurrency: 4, retry }] });
 *   const consumer = await queue.consume(spec, async (delivery) => ({ type: 'ack' }));
 *   await queue.publish(createEnvelope({ kind: 'note_saved', payload: { id: 1 } }));
 *   await consumer.stop();
 *   await queue.close();
 */
export function createRabbitMqDriver(options: RabbitMqDriverOptions): QueueDriver {
  const settings = resolveOptions(options);
  const { log, names } = settings;
  const registry = createTopologyRegistry();
  // Declared while the broker could not be reached: declared by the first connection, before use.
  const pending = new Map<string, QueueSpec>();
  const consumers = new Set<QueueConsumer>();
  const connection = createConnectionManager({
    url: options.url,
    connectionName: settings.connectionName,
    connectTimeoutMs: settings.connectTimeoutMs,
    reconnect: settings.reconnect,
    // On every connect, before the connection is handed out: the broker may have lost
    // non-durable state, been reset, or never seen the topology yet.
    setUp: async (live) => {
      const specs = [...registry.all(), ...pending.values()];
      if (specs.length === 0) return;
      await withChannel(live, log, 'declare topology', async (channel) => {
        await declareExchange(channel, names);
        for (const spec of specs) await declareQueueSpec(channel, names, spec);
      });
      for (const spec of pending.values()) registry.remember(spec);
      pending.clear();
    },
    log,
  });
  const publisher = createConfirmPublisher({
    connection,
    log,
    timeoutMs: settings.publishTimeoutMs,
    // A publish to a missing exchange is a channel error that would fail every publish
    // sharing the channel; asserting it once per channel rules that out.
    prepare: (channel) => declareExchange(channel, names),
  });
  let closing: Promise<void> | null = null;

  async function declareSpecs(specs: QueueSpec[]): Promise<void> {
    let live;
    try {
      live = await connection.get();
    } catch (err) {
      for (const spec of specs) if (!registry.has(spec.name)) pending.set(spec.name, spec);
      throw err;
    }
    await withChannel(live, log, 'declare topology', async (channel) => {
      await declareExchange(channel, names);
      for (const spec of specs) await declareQueueSpec(channel, names, spec);
    });
    for (const spec of specs) registry.remember(spec);
  }

  // After every reconnect (the topology is declared again by setUp): resume consumers. A consumer
  // that fails to attach retries itself.
  connection.onConnect(async (live) => {
    await Promise.all(
      [...consumers].map((consumer) =>
        consumer.attach(live).catch((err: unknown) => log.warn({ err }, 'rabbitmq consumer resume failed')),
      ),
    );
  });

  /** Administrative work on a queue this driver declared (NotFoundError otherwise), on its own channel. */
  async function admin<T>(
    purpose: string,
    queue: string,
    work: (channel: Channel, spec: QueueSpec) => Promise<T>,
  ): Promise<T> {
    const spec = registry.get(queue);
    return withChannel(await connection.get(), log, purpose, (channel) => work(channel, spec));
  }

  const republish = (envelope: Envelope, queue: string) =>
    publisher.publish({
      exchange: '',
      routingKey: names.main(queue),
      content: encodeEnvelope(envelope),
      options: { ...envelopeProperties(envelope), mandatory: true },
    });

  return {
    name: 'rabbitmq',

    async declare(topology) {
      await declareSpecs(topology.queues);
    },

    publish(envelope) {
      return publisher.publish({
        exchange: names.exchange,
        routingKey: envelope.kind,
        content: encodeEnvelope(envelope),
        // mandatory: a kind no queue is bound to comes back as UnroutableMessageError
        // instead of vanishing.
        options: { ...envelopeProperties(envelope), mandatory: true },
      });
    },

    async consume(spec, handler) {
      if (closing) throw new QueueUnavailableError('RabbitMQ driver is closed');
      if (!registry.has(spec.name)) await declareSpecs([spec]);
      const consumer = createQueueConsumer({
        spec,
        handler,
        names,
        connection,
        publisher,
        log,
        reattach: settings.reconnect,
      });
      consumers.add(consumer);
      try {
        await consumer.attach(await connection.get());
      } catch (err) {
        consumers.delete(consumer);
        await consumer.stop();
        throw toQueueError(err, `consume ${spec.name}`);
      }
      return {
        async stop() {
          await consumer.stop();
          consumers.delete(consumer);
        },
      };
    },

    depth(queue) {
      return admin('queue depth', queue, (channel, spec) => queueDepth(channel, names, spec));
    },

    listDead(queue, limit) {
      return admin('list dead letters', queue, (channel) => listDeadLetters(channel, names, queue, limit));
    },

    replayDead(queue, replay) {
      return admin('replay dead letters', queue, (channel) =>
        replayDeadLetters(channel, names, queue, (envelope) => republish(envelope, queue), replay),
      );
    },

    purgeDead(queue, purge) {
      return admin('purge dead letters', queue, (channel) => purgeDeadLetters(channel, names, queue, purge));
    },

    async check() {
      await connection.get();
    },

    close() {
      // Consumers first, while the publisher still works: their in-flight retries and
      // dead letters must be published before their originals are acked.
      closing ??= (async () => {
        await Promise.all([...consumers].map((consumer) => consumer.stop()));
        consumers.clear();
        await publisher.close();
        await connection.close();
      })();
      return closing;
    },
  };
}

function resolveOptions(options: RabbitMqDriverOptions) {
  if (!/^amqps?:\/\//.test(options.url)) {
    throw new TypeError(
      `createRabbitMqDriver: url must start with amqp:// or amqps://, got '${options.url}'`,
    );
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0) {
      throw new TypeError(`createRabbitMqDriver: ${name} must be a positive number, got ${value}`);
    }
    return value;
  };
  const prefix = options.prefix ?? '';
  return {
    names: topologyNames(prefix),
    log: options.log ?? pino({ level: 'silent' }),
    publishTimeoutMs: positive('publishTimeoutMs', options.publishTimeoutMs, 5_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 2_000),
    connectionName:
      options.connectionName ?? `fnstack ${prefix || '(no prefix)'} ${hostname()}:${process.pid}`,
    reconnect: {
      baseDelayMs: positive('reconnect.baseDelayMs', options.reconnect?.baseDelayMs, 250),
      maxDelayMs: positive('reconnect.maxDelayMs', options.reconnect?.maxDelayMs, 10_000),
    },
  };
}

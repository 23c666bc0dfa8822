import { ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { pino, type Logger } from 'pino';
import { QueueUnavailableError } from '../../errors.ts';
import { serializeEnvelope } from '../envelope.ts';
import { UnroutableMessageError } from '../errors.ts';
import type { Consumer, QueueDriver, QueueSpec } from '../port.ts';
import { createSqsClients, toQueueError } from './client.ts';
import { createSqsConsumer } from './consumer.ts';
import { listDeadLetters, purgeDeadLetters, replayDeadLetters } from './dead-letters.ts';
import { createMessageDeleter } from './deleter.ts';
import { queueDepth } from './depth.ts';
import { envelopeAttributes } from './messages.ts';
import { sanitize, sqsQueueNames } from './names.ts';
import { createSqsTopology } from './topology.ts';

export interface SqsDriverOptions {
  /** e.g. `http://127.0.0.1:4566` for an emulator; unset for AWS itself. */
  endpoint?: string;
  region: string;
  /** Prepended to every queue name (then sanitized, see names.ts), so deployments can share an account. */
  prefix?: string;
  log?: Logger;
  /** Default: the SDK's credential chain (environment, profile, Lambda role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * Long-poll wait of ReceiveMessage, 0..20. Default 10: few empty receives, and a consumer's
   * stop() waits for its poll in flight (see consumer.ts), which must fit in a graceful shutdown
   * (SHUTDOWN_TIMEOUT_S, 25 s) with the handlers' drain. Tests use 1.
   */
  waitTimeSeconds?: number;
  /** VisibilityTimeout of the queues, extended by a heartbeat while a handler runs. Default 30. */
  visibilityTimeoutSeconds?: number;
  /**
   * Create each declared queue and its DLQ (default true). False when infrastructure owns them
   * (the SAM template on Lambda, with its own visibility timeout and receive count): `declare()`
   * then only learns which queues consume which kinds, and queues are found by name.
   */
  createQueues?: boolean;
  /** TCP connect timeout. Default 1000: a route answers 503 fast when the endpoint is down. */
  connectTimeoutMs?: number;
  /** Timeout of every call but the long poll (which gets the wait on top). Default 5000. */
  requestTimeoutMs?: number;
}

/**
 * The SQS queue driver (@aws-sdk/client-sqs): one standard queue per task function, publish
 * sending to every queue that consumes the kind, retries as new delayed messages to the
 * failing queue only, and a DLQ per function with a RedrivePolicy as the poison-message backstop.
 *
 * @example
 *   const queue = createSqsDriver({ endpoint: 'http://127.0.0.1:4566', region: 'us-east-1', prefix: 'dev.' });
 *   await queue.declare({ queues: [{ name: 'notes.index', kinds: ['note_saved'], concurrency: 4, retry }] });
 *   const consumer = await queue.consume(spec, async (delivery) => ({ type: 'ack' }));
 *   await queue.publish(createEnvelope({ kind: 'note_saved', payload: { id: 1 } }));
 *   await consumer.stop();
 *   await queue.close();
 */
export function createSqsDriver(options: SqsDriverOptions): QueueDriver {
  const settings = resolveOptions(options);
  const { log, names } = settings;
  const clients = createSqsClients(settings, settings.waitTimeSeconds);
  const topology = createSqsTopology({
    client: clients.api,
    names,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    createQueues: options.createQueues ?? true,
  });
  const consumers = new Set<Consumer>();
  // Declared while SQS could not be reached: declared before the next call that needs the queues.
  const pending = new Map<string, QueueSpec>();
  let closing: Promise<void> | null = null;

  async function declareAll(specs: Iterable<QueueSpec>): Promise<void> {
    for (const spec of specs) {
      try {
        await topology.declare(spec);
        pending.delete(spec.name);
      } catch (err) {
        if (err instanceof QueueUnavailableError) pending.set(spec.name, spec);
        throw err;
      }
    }
  }

  /** Declare what could not be declared before (QueueUnavailableError while SQS is still away). */
  async function declarePending(): Promise<void> {
    if (pending.size > 0) await declareAll([...pending.values()]);
  }

  function ensureOpen(): void {
    if (closing) throw new QueueUnavailableError('SQS driver is closed');
  }

  /** URLs of a queue and its DLQ; NotFoundError if they do not exist (declared here or not). */
  async function urlsOf(queue: string) {
    const [queueUrl, dlqUrl] = await Promise.all([
      topology.url(names.main(queue)),
      topology.url(names.dlq(queue)),
    ]);
    return { queueUrl, dlqUrl };
  }

  return {
    name: 'sqs',

    async declare({ queues }) {
      ensureOpen();
      await declareAll(queues);
    },

    async publish(envelope) {
      ensureOpen();
      await declarePending();
      const targets = topology.consumersOf(envelope.kind);
      if (targets.length === 0) throw new UnroutableMessageError(`no queue consumes kind '${envelope.kind}'`);
      const body = serializeEnvelope(envelope);
      const attributes = envelopeAttributes(envelope);
      // Not atomic across queues: if one send fails the others may have gone out; the caller
      // sees the error and publishing again is safe (same envelope id, the inbox dedupes).
      await Promise.all(
        targets.map(async (queue) => {
          const url = await topology.url(names.main(queue));
          try {
            await clients.api.send(
              new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: attributes }),
            );
          } catch (err) {
            throw toQueueError(err, `publish '${envelope.kind}' to ${queue}`);
          }
        }),
      );
    },

    async consume(spec, handler) {
      ensureOpen();
      if (!topology.has(spec.name)) await topology.declare(spec);
      const { queueUrl, dlqUrl } = await urlsOf(spec.name);
      const consumer = createSqsConsumer({
        spec,
        handler,
        clients,
        queueUrl,
        dlqUrl,
        waitTimeSeconds: settings.waitTimeSeconds,
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
        log,
      });
      consumers.add(consumer);
      return {
        async stop() {
          await consumer.stop();
          consumers.delete(consumer);
        },
      };
    },

    async depth(queue) {
      ensureOpen();
      const { queueUrl, dlqUrl } = await urlsOf(queue);
      return queueDepth(clients.api, queueUrl, dlqUrl);
    },

    async listDead(queue, limit) {
      ensureOpen();
      const { dlqUrl } = await urlsOf(queue);
      return listDeadLetters({ client: clients.api, queue, dlqUrl }, limit);
    },

    async replayDead(queue, replay) {
      ensureOpen();
      const { queueUrl, dlqUrl } = await urlsOf(queue);
      const remove = createMessageDeleter(clients.api, dlqUrl);
      return replayDeadLetters({ client: clients.api, queue, dlqUrl }, queueUrl, remove, replay);
    },

    async purgeDead(queue, purge) {
      ensureOpen();
      const { dlqUrl } = await urlsOf(queue);
      const remove = createMessageDeleter(clients.api, dlqUrl);
      return purgeDeadLetters({ client: clients.api, queue, dlqUrl }, remove, purge);
    },

    async check() {
      ensureOpen();
      try {
        const prefix = sanitize(names.prefix);
        await clients.api.send(
          new ListQueuesCommand({ ...(prefix ? { QueueNamePrefix: prefix } : {}), MaxResults: 1 }),
        );
      } catch (err) {
        throw toQueueError(err, 'readiness check');
      }
      // Ready means the queues exist too: a publish now would find them.
      await declarePending();
    },

    close() {
      // Consumers first, while the clients still work: their in-flight retries and dead
      // letters must be sent before their originals are deleted.
      closing ??= (async () => {
        await Promise.all([...consumers].map((consumer) => consumer.stop()));
        consumers.clear();
        clients.destroy();
      })();
      return closing;
    },
  };
}

function resolveOptions(options: SqsDriverOptions) {
  const fail = (what: string): never => {
    throw new TypeError(`createSqsDriver: ${what}`);
  };
  if (!options.region) fail('region is required');
  if (options.endpoint !== undefined && !/^https?:\/\//.test(options.endpoint)) {
    fail(`endpoint must start with http:// or https://, got '${options.endpoint}'`);
  }
  const within = (name: string, value: number | undefined, fallback: number, min: number, max: number) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      fail(`${name} must be an integer in ${min}..${max}, got ${value}`);
    }
    return value;
  };
  const prefix = options.prefix ?? '';
  return {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    names: sqsQueueNames(prefix),
    log: options.log ?? pino({ level: 'silent' }),
    waitTimeSeconds: within('waitTimeSeconds', options.waitTimeSeconds, 10, 0, 20),
    // At least 2 s so the heartbeat (every half timeout) has room to extend it.
    visibilityTimeoutSeconds: within(
      'visibilityTimeoutSeconds',
      options.visibilityTimeoutSeconds,
      30,
      2,
      43_200,
    ),
    connectTimeoutMs: within('connectTimeoutMs', options.connectTimeoutMs, 1_000, 1, 60_000),
    requestTimeoutMs: within('requestTimeoutMs', options.requestTimeoutMs, 5_000, 1, 300_000),
  };
}

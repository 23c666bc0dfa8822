import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { retryDelayMs, type Consumer, type DeliveryHandler, type QueueSpec } from '../port.ts';
import { closeQuietly, openChannel, settle } from './channels.ts';
import type { ConnectionManager } from './connection.ts';
import type { TopologyNames } from './names.ts';
import { applyOutcome } from './outcome.ts';
import type { ConfirmPublisher } from './publisher.ts';

export interface QueueConsumerOptions {
  spec: QueueSpec;
  handler: DeliveryHandler;
  names: TopologyNames;
  connection: ConnectionManager;
  publisher: ConfirmPublisher;
  log: Logger;
  /** Backoff for re-opening the channel after a channel error or a broker-side cancel. */
  reattach: { baseDelayMs: number; maxDelayMs: number };
}

/** A consumer that keeps itself attached to the broker across channel and connection losses. */
export interface QueueConsumer extends Consumer {
  /** Open a channel on `connection` and start consuming, unless already consuming or stopped. */
  attach(connection: ChannelModel): Promise<void>;
}

/**
 * Consumes one function's queue on a channel of its own with `prefetch(concurrency)` and
 * manual acks. Each delivery is settled on the channel it came from; after a reconnect
 * that channel is gone and the broker redelivers the message, flagged `redelivered`.
 *
 * Re-attaching has two triggers: the connection manager calls `attach` after every
 * reconnect (fast path), and the consumer retries by itself with backoff when only its
 * channel died (a channel error, the queue's consumer cancelled by the broker).
 */
export function createQueueConsumer(options: QueueConsumerOptions): QueueConsumer {
  const { spec, handler, log } = options;
  const backoff = { attempts: Number.POSITIVE_INFINITY, ...options.reattach };
  const inFlight = new Set<Promise<void>>();
  let channel: Channel | null = null;
  let consumerTag: string | null = null;
  let attaching: Promise<void> | null = null;
  let reattachTimer: NodeJS.Timeout | null = null;
  let reattachAttempt = 0;
  let stopping: Promise<void> | null = null;

  async function open(connection: ChannelModel): Promise<void> {
    const opened = await openChannel(connection, log, `consume ${spec.name}`);
    opened.on('close', () => onChannelLost(opened, 'channel closed'));
    try {
      await opened.prefetch(spec.concurrency);
      const queue = options.names.main(spec.name);
      const reply = await opened.consume(queue, (message) => onMessage(opened, message), { noAck: false });
      channel = opened;
      consumerTag = reply.consumerTag;
      reattachAttempt = 0;
      log.debug({ queue: spec.name, consumerTag }, 'rabbitmq consumer attached');
    } catch (err) {
      await closeQuietly(opened);
      throw err;
    }
  }

  function attach(connection: ChannelModel): Promise<void> {
    if (stopping || channel) return Promise.resolve();
    attaching ??= open(connection)
      .catch((err: unknown) => {
        scheduleReattach();
        throw err;
      })
      .finally(() => {
        attaching = null;
      });
    return attaching;
  }

  function onChannelLost(lost: Channel, why: string): void {
    if (channel !== lost) return;
    channel = null;
    consumerTag = null;
    if (stopping) return;
    log.warn({ queue: spec.name, why }, 'rabbitmq consumer detached; will re-attach');
    scheduleReattach();
  }

  function scheduleReattach(): void {
    if (stopping || reattachTimer) return;
    reattachAttempt += 1;
    reattachTimer = setTimeout(
      async () => {
        reattachTimer = null;
        let connection: ChannelModel;
        try {
          connection = await options.connection.get();
        } catch {
          return; // no connection: the reconnect hook attaches this consumer once there is one
        }
        await attach(connection).catch((err: unknown) =>
          log.warn({ err, queue: spec.name }, 'rabbitmq consumer re-attach failed'),
        );
      },
      retryDelayMs(backoff, reattachAttempt),
    );
  }

  function onMessage(from: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (queue deleted, or a quorum leader moved away).
      onChannelLost(from, 'consumer cancelled by the broker');
      void closeQuietly(from);
      return;
    }
    const work = handle(from, message);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  /** Never rejects: every failure ends in an ack or a requeue of the message. */
  async function handle(from: Channel, message: ConsumeMessage): Promise<void> {
    try {
      const outcome = await handler({
        body: message.content,
        queue: spec.name,
        redelivered: message.fields.redelivered,
      });
      await applyOutcome(
        { channel: from, message, spec, names: options.names, publisher: options.publisher, log },
        outcome,
      );
    } catch (err) {
      // The core catches handler errors itself, so this is a bug or a failed retry/dead-letter
      // publish. Requeue: the quorum queue's delivery limit stops an endless loop.
      log.error(
        { err, queue: spec.name, messageId: message.properties.messageId },
        'delivery not settled; requeued',
      );
      settle(from, message, 'requeue', log);
    }
  }

  async function drainAndClose(): Promise<void> {
    if (reattachTimer) clearTimeout(reattachTimer);
    reattachTimer = null;
    await attaching?.catch(() => undefined);
    const current = channel;
    const tag = consumerTag;
    // Cancel first so no new deliveries arrive, then let in-flight ones finish and ack on
    // the still-open channel; closing it earlier would hand them back to the broker.
    if (current && tag) await current.cancel(tag).catch(() => undefined);
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    channel = null;
    consumerTag = null;
    if (current) await closeQuietly(current);
  }

  return {
    attach,
    stop() {
      stopping ??= drainAndClose();
      return stopping;
    },
  };
}

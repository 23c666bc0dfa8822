import type { ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import { QueueUnavailableError } from '../../errors.ts';
import { withTimeout } from '../../timeout.ts';
import { openChannel, toQueueError } from './channels.ts';
import type { ConnectionManager } from './connection.ts';
import { UnroutableMessageError } from '../errors.ts';

export interface PublishRequest {
  /** '' is the default exchange, which routes straight to the queue named by `routingKey`. */
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/**
 * Publishes with publisher confirms on ONE shared confirm channel. Concurrent publishes are
 * pipelined: each gets its own confirm callback, none waits for another's round trip (the
 * broker confirms in batches, 20–25k msg/s on this stack). When the socket buffer is full
 * (`publish` returns false), later publishes wait for 'drain' instead of piling up memory.
 */
export interface ConfirmPublisher {
  /**
   * Resolves once the broker confirmed the message. Rejects with QueueUnavailableError when
   * there is no connection, the channel closes, the broker nacks, or no confirm arrives in
   * time; with UnroutableMessageError when a `mandatory` message reached no queue.
   */
  publish(request: PublishRequest): Promise<void>;
  close(): Promise<void>;
}

export interface ConfirmPublisherOptions {
  connection: ConnectionManager;
  log: Logger;
  timeoutMs: number;
  /** Runs on every new channel before its first publish (asserts the exchange it publishes to). */
  prepare: (channel: ConfirmChannel) => Promise<void>;
}

export function createConfirmPublisher(options: ConfirmPublisherOptions): ConfirmPublisher {
  const { log } = options;
  let channel: Promise<ConfirmChannel> | null = null;
  let drain: PromiseWithResolvers<void> | null = null;
  // The broker sends basic.return before the basic.ack of the same message, so the confirm
  // callback can look up whether its message came back. Counted per id: ids may repeat.
  let returned = new Map<string, number>();

  function releaseDrainWaiters(): void {
    drain?.resolve();
    drain = null;
  }

  async function open(onClose: () => void): Promise<ConfirmChannel> {
    const connection = await options.connection.get();
    const opened = await openChannel(connection, log, 'publish', 'confirm');
    opened.on('return', (message: Message) => {
      const id = String(message.properties.messageId ?? '');
      returned.set(id, (returned.get(id) ?? 0) + 1);
    });
    opened.on('drain', releaseDrainWaiters);
    opened.on('close', () => {
      // amqplib fails the pending confirm callbacks itself; forget this channel so the next
      // publish opens a new one (after a reconnect), and let drain waiters move on.
      onClose();
      returned = new Map();
      releaseDrainWaiters();
    });
    await options.prepare(opened);
    return opened;
  }

  function getChannel(): Promise<ConfirmChannel> {
    if (channel) return channel;
    const opening: Promise<ConfirmChannel> = open(() => forget(opening)).catch((err: unknown) => {
      forget(opening);
      throw toQueueError(err, 'open publish channel');
    });
    channel = opening;
    return opening;
  }

  function forget(stale: Promise<ConfirmChannel>): void {
    if (channel === stale) channel = null;
  }

  function takeReturned(messageId: string): boolean {
    const count = returned.get(messageId) ?? 0;
    if (count === 0) return false;
    if (count === 1) returned.delete(messageId);
    else returned.set(messageId, count - 1);
    return true;
  }

  async function send(request: PublishRequest): Promise<void> {
    while (drain) await drain.promise;
    const target = await getChannel();
    return new Promise<void>((resolve, reject) => {
      const onConfirm = (err: unknown) => {
        if (err) {
          reject(new QueueUnavailableError('RabbitMQ did not confirm the message', { cause: err }));
        } else if (request.options.mandatory && takeReturned(request.options.messageId ?? '')) {
          reject(
            new UnroutableMessageError(
              `No queue is bound to '${request.routingKey}' on exchange '${request.exchange}'`,
            ),
          );
        } else {
          resolve();
        }
      };
      let accepted: boolean;
      try {
        accepted = target.publish(
          request.exchange,
          request.routingKey,
          request.content,
          request.options,
          onConfirm,
        );
      } catch (err) {
        // amqplib throws synchronously on a closed channel (IllegalOperationError) and on
        // oversized headers (RangeError); the latter is the caller's bug, not an outage.
        reject(err instanceof RangeError ? err : toQueueError(err, 'publish'));
        return;
      }
      if (!accepted) drain ??= Promise.withResolvers<void>();
    });
  }

  return {
    publish(request) {
      return withTimeout(
        send(request),
        options.timeoutMs,
        () => new QueueUnavailableError(`No publisher confirm from RabbitMQ within ${options.timeoutMs} ms`),
      );
    },

    async close() {
      const current = await channel?.catch(() => null);
      channel = null;
      if (current) await current.close().catch(() => undefined);
    },
  };
}

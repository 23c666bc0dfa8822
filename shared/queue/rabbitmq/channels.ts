import type { Channel, ChannelModel, ConfirmChannel, Message } from 'amqplib';
import type { Logger } from 'pino';
import { AppError, NotFoundError, QueueUnavailableError } from '../../errors.ts';
import { TopologyConflictError } from '../errors.ts';

/**
 * Channel plumbing shared by the driver's parts. Every channel gets an 'error' listener as
 * soon as it exists: a channel-level close (404 on a missing queue, 406 on a conflicting
 * declaration) is reported and the channel replaced; it must never crash the process.
 */

/**
 * Open a channel with its 'error' listener attached; `'confirm'` opens a confirm channel
 * (publisher confirms), for the publisher.
 *
 * @example
 *   const channel = await openChannel(connection, log, 'consume orders');
 *   const confirming = await openChannel(connection, log, 'publish', 'confirm');
 */
export function openChannel(connection: ChannelModel, log: Logger, purpose: string): Promise<Channel>;
export function openChannel(
  connection: ChannelModel,
  log: Logger,
  purpose: string,
  mode: 'confirm',
): Promise<ConfirmChannel>;
export async function openChannel(
  connection: ChannelModel,
  log: Logger,
  purpose: string,
  mode?: 'confirm',
): Promise<Channel> {
  const channel =
    mode === 'confirm' ? await connection.createConfirmChannel() : await connection.createChannel();
  channel.on('error', (err: Error) => log.warn({ err, purpose }, 'rabbitmq channel error'));
  return channel;
}

/** Closing something the broker already closed throws; at that point it is closed either way. */
export async function closeQuietly(closable: { close(): Promise<void> }): Promise<void> {
  try {
    await closable.close();
  } catch {
    // already closed
  }
}

/**
 * Ack or requeue on the channel the message arrived on. If that channel died meanwhile
 * (connection lost), the broker has already requeued the message and will redeliver it, so
 * there is nothing left to settle: amqplib throws "Channel closed", and that is expected.
 */
export function settle(channel: Channel, message: Message, action: 'ack' | 'requeue', log: Logger): void {
  try {
    if (action === 'ack') channel.ack(message);
    else channel.nack(message, false, true);
  } catch (err) {
    log.debug({ err, action, messageId: message.properties.messageId }, 'settle on a closed channel skipped');
  }
}

/**
 * Run one short administrative job (declare, count, list, replay) on a channel of its own,
 * so a channel error it provokes cannot take down the publishing or consuming channels.
 */
export async function withChannel<T>(
  connection: ChannelModel,
  log: Logger,
  purpose: string,
  work: (channel: Channel) => Promise<T>,
): Promise<T> {
  let channel: Channel;
  try {
    channel = await openChannel(connection, log, purpose);
  } catch (err) {
    throw toQueueError(err, purpose);
  }
  try {
    return await work(channel);
  } catch (err) {
    throw toQueueError(err, purpose);
  } finally {
    await closeQuietly(channel);
  }
}

/** Map an amqplib failure to the platform's typed errors by its AMQP reply code. */
export function toQueueError(err: unknown, purpose: string): Error {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = `${purpose}: ${(err as Error | null)?.message ?? String(err)}`;
  if (code === 404) return new NotFoundError(message, { cause: err });
  if (code === 406) return new TopologyConflictError(message, { cause: err });
  return new QueueUnavailableError(message, { cause: err });
}

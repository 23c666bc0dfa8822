import { createHash } from 'node:crypto';
import type { Channel, GetMessage } from 'amqplib';
import { parseEnvelope, type Envelope } from '../envelope.ts';
import type { DeadMessage } from '../port.ts';
import { brokerDeath, DEAD_HEADERS } from './messages.ts';
import type { TopologyNames } from './names.ts';

/**
 * Dead-letter queue access. AMQP has no "peek", so both operations `get` messages without
 * acking them and hand back what they do not take (nack with requeue, then the channel
 * closes). Both run on a channel of their own (see `withChannel`); a DLQ being read by one
 * call looks shorter to a concurrent one until it is done, and a quorum queue's message
 * count may lag behind messages handed back a moment ago.
 */
/** Read up to `limit` dead messages without removing them. */
export async function listDeadLetters(
  channel: Channel,
  names: TopologyNames,
  queue: string,
  limit: number,
): Promise<DeadMessage[]> {
  const listed: DeadMessage[] = [];
  while (listed.length < limit) {
    const message = await channel.get(names.dlq(queue), { noAck: false });
    if (message === false) break;
    listed.push(toDeadMessage(message, queue));
  }
  channel.nackAll(true);
  return listed;
}

export interface ReplayOptions {
  /** Only these (DeadMessage.deadId); default every replayable message. */
  deadIds?: string[];
  /** At most this many; default no limit. */
  limit?: number;
}

/**
 * Move dead messages back to their function's queue with `attempt` reset to 1 (same id).
 * Each one is published with confirm first and only then acked out of the DLQ, so a
 * failure part-way leaves every message in one of the two queues. Messages whose body is
 * not an envelope cannot be replayed and stay in the DLQ.
 *
 * @returns how many messages moved.
 */
export function replayDeadLetters(
  channel: Channel,
  names: TopologyNames,
  queue: string,
  republish: (envelope: Envelope) => Promise<void>,
  options: ReplayOptions = {},
): Promise<number> {
  return takeDeadLetters(channel, names.dlq(queue), queue, { ...options, replayableOnly: true }, (dead) =>
    republish({ ...dead.envelope!, attempt: 1 }),
  );
}

/** Delete dead messages for good: the given ones, or all of them (unparseable bodies too). */
export function purgeDeadLetters(
  channel: Channel,
  names: TopologyNames,
  queue: string,
  options: { deadIds?: string[] } = {},
): Promise<number> {
  return takeDeadLetters(
    channel,
    names.dlq(queue),
    queue,
    { ...options, replayableOnly: false },
    async () => {},
  );
}

/**
 * Scan the DLQ and ack out each message wanted, once `use` has done its part with it; the rest
 * go back. Not bounded by a message count taken up front: a quorum queue may report messages
 * just handed back by another channel only a moment later. A held message is never handed out
 * twice, so the scan ends when the queue runs dry.
 */
async function takeDeadLetters(
  channel: Channel,
  dlq: string,
  queue: string,
  options: ReplayOptions & { replayableOnly: boolean },
  use: (dead: DeadMessage) => Promise<void>,
): Promise<number> {
  const wanted = options.deadIds ? new Set(options.deadIds) : null;
  const limit = Math.min(options.limit ?? Number.POSITIVE_INFINITY, wanted?.size ?? Number.POSITIVE_INFINITY);
  const taken = new Set<string>();
  while (taken.size < limit) {
    const message = await channel.get(dlq, { noAck: false });
    if (message === false) break;
    const dead = toDeadMessage(message, queue);
    if ((options.replayableOnly && !dead.envelope) || (wanted && !wanted.has(dead.deadId))) continue;
    // Already taken by this call and dead again (or a duplicate): leave it, do not cycle.
    if (taken.has(dead.deadId)) continue;
    await use(dead);
    channel.ack(message);
    taken.add(dead.deadId);
  }
  channel.nackAll(true);
  return taken.size;
}

export function toDeadMessage(message: GetMessage, queue: string): DeadMessage {
  const headers = message.properties.headers as Record<string, unknown> | undefined;
  const parsed = parseEnvelope(message.content);
  const death = brokerDeath(headers);
  const error = stringHeader(headers, DEAD_HEADERS.error) ?? describeBrokerDeath(death?.reason);
  const deadAt = stringHeader(headers, DEAD_HEADERS.deadAt) ?? death?.at ?? '';
  const messageId = message.properties.messageId ? String(message.properties.messageId) : undefined;
  if (parsed.ok) {
    return { deadId: parsed.envelope.id, queue, error, deadAt, envelope: parsed.envelope };
  }
  return {
    deadId: messageId ?? createHash('sha256').update(message.content).digest('hex').slice(0, 32),
    queue,
    error,
    deadAt,
    rawBody: message.content.toString('utf8'),
  };
}

function describeBrokerDeath(reason: string | undefined): string {
  if (reason === 'delivery_limit') {
    return 'delivery limit exceeded: no worker settled the message in time (crash or requeue loop)';
  }
  return reason ? `dead-lettered by the broker: ${reason}` : 'unknown';
}

function stringHeader(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === 'string') return value;
  // Long strings may arrive as Buffers (AMQP byte arrays) from other publishers.
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { serializeEnvelope } from '../envelope.ts';
import type { DeadMessage } from '../port.ts';
import { toQueueError } from './client.ts';
import { SQS_BATCH_LIMIT } from './deleter.ts';
import { envelopeAttributes, toDeadMessage } from './messages.ts';

/**
 * Dead-letter queue access. SQS has no "peek": both operations receive DLQ messages, which
 * hides them from everyone else for HOLD_SECONDS, and hand back what they do not take by
 * making it visible again at once. A listing running at the same time as another sees fewer
 * messages; one that crashes midway leaves them hidden for HOLD_SECONDS only.
 */
const HOLD_SECONDS = 30;

export interface DeadLetterQueue {
  client: SQSClient;
  /** Unprefixed queue name, as DeadMessage.queue reports it. */
  queue: string;
  dlqUrl: string;
}

/** Read up to `limit` dead messages without removing them. */
export async function listDeadLetters(dlq: DeadLetterQueue, limit: number): Promise<DeadMessage[]> {
  const held: Message[] = [];
  try {
    while (held.length < limit) {
      const batch = await receive(dlq, Math.min(SQS_BATCH_LIMIT, limit - held.length));
      if (batch.length === 0) break;
      held.push(...batch);
    }
    return held.map((message) => toDeadMessage(message, dlq.queue));
  } finally {
    await release(dlq, held);
  }
}

export interface ReplayOptions {
  /** Only these (DeadMessage.deadId); default every replayable message. */
  deadIds?: string[];
  /** At most this many; default no limit. */
  limit?: number;
}

/**
 * Move dead messages back to their function's queue with `attempt` reset to 1 (same id).
 * Each one is sent first and only then deleted from the DLQ, so a failure part-way leaves
 * every message in one of the two queues. Bodies that are not envelopes cannot be replayed
 * and stay in the DLQ.
 *
 * @returns how many messages moved.
 */
export function replayDeadLetters(
  dlq: DeadLetterQueue,
  queueUrl: string,
  remove: (receiptHandle: string) => Promise<void>,
  options: ReplayOptions = {},
): Promise<number> {
  return takeDeadLetters(dlq, remove, { ...options, replayableOnly: true }, async (dead) => {
    const envelope = { ...dead.envelope!, attempt: 1 };
    try {
      await dlq.client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: serializeEnvelope(envelope),
          MessageAttributes: envelopeAttributes(envelope),
        }),
      );
    } catch (err) {
      throw toQueueError(err, 'replay dead letter');
    }
  });
}

/**
 * Delete dead messages for good: the given ones, or all of them (unparseable bodies too). Not
 * SQS's PurgeQueue: that one cannot pick messages and may run once a minute.
 */
export function purgeDeadLetters(
  dlq: DeadLetterQueue,
  remove: (receiptHandle: string) => Promise<void>,
  options: { deadIds?: string[] } = {},
): Promise<number> {
  return takeDeadLetters(dlq, remove, { ...options, replayableOnly: false }, async () => {});
}

/**
 * Receive the DLQ's messages and delete each one wanted once `use` has done its part with it;
 * the rest are released. Received messages stay hidden while this runs, so the scan ends when
 * the DLQ runs dry.
 */
async function takeDeadLetters(
  dlq: DeadLetterQueue,
  remove: (receiptHandle: string) => Promise<void>,
  options: ReplayOptions & { replayableOnly: boolean },
  use: (dead: DeadMessage) => Promise<void>,
): Promise<number> {
  const wanted = options.deadIds ? new Set(options.deadIds) : null;
  const limit = Math.min(options.limit ?? Number.POSITIVE_INFINITY, wanted?.size ?? Number.POSITIVE_INFINITY);
  const held: Message[] = [];
  const taken = new Set<string>();
  try {
    while (taken.size < limit) {
      const batch = await receive(dlq, SQS_BATCH_LIMIT);
      if (batch.length === 0) break;
      for (const message of batch) {
        const dead = toDeadMessage(message, dlq.queue);
        const take =
          (dead.envelope || !options.replayableOnly) &&
          taken.size < limit &&
          !taken.has(dead.deadId) &&
          (!wanted || wanted.has(dead.deadId));
        if (!take || !message.ReceiptHandle) {
          held.push(message);
          continue;
        }
        try {
          await use(dead);
        } catch (err) {
          held.push(message);
          throw err;
        }
        await remove(message.ReceiptHandle);
        taken.add(dead.deadId);
      }
    }
    return taken.size;
  } finally {
    await release(dlq, held);
  }
}

async function receive(dlq: DeadLetterQueue, max: number): Promise<Message[]> {
  try {
    const reply = await dlq.client.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.dlqUrl,
        MaxNumberOfMessages: max,
        // Short poll: a listing answers at once instead of waiting for messages to arrive.
        WaitTimeSeconds: 0,
        VisibilityTimeout: HOLD_SECONDS,
        MessageAttributeNames: ['All'],
      }),
    );
    return reply.Messages ?? [];
  } catch (err) {
    throw toQueueError(err, 'read dead letters');
  }
}

/** Make held messages visible again at once. Best effort: if it fails they reappear after HOLD_SECONDS. */
async function release(dlq: DeadLetterQueue, messages: Message[]): Promise<void> {
  const handles = messages.flatMap((message) => (message.ReceiptHandle ? [message.ReceiptHandle] : []));
  for (let start = 0; start < handles.length; start += SQS_BATCH_LIMIT) {
    const entries = handles
      .slice(start, start + SQS_BATCH_LIMIT)
      .map((handle, index) => ({ Id: String(index), ReceiptHandle: handle, VisibilityTimeout: 0 }));
    await dlq.client
      .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: dlq.dlqUrl, Entries: entries }))
      .catch(() => undefined);
  }
}

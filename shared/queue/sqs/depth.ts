import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepth } from '../port.ts';
import { toQueueError } from './client.ts';

/**
 * Approximate counts (SQS's own word: they lag by up to a minute on AWS).
 * - ready: visible messages of the queue. Messages being handled (NotVisible) are not
 *   counted, as RabbitMQ does not count unacked deliveries.
 * - delayed: retries waiting out their DelaySeconds.
 * - dead: the DLQ, visible plus NotVisible, so a listing in progress does not make it dip.
 */
export async function queueDepth(client: SQSClient, queueUrl: string, dlqUrl: string): Promise<QueueDepth> {
  const [main, dead] = await Promise.all([
    attributes(client, queueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed']),
    attributes(client, dlqUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
  ]);
  return {
    ready: main.ApproximateNumberOfMessages,
    delayed: main.ApproximateNumberOfMessagesDelayed,
    dead: dead.ApproximateNumberOfMessages + dead.ApproximateNumberOfMessagesNotVisible,
  };
}

type CountName =
  | 'ApproximateNumberOfMessages'
  | 'ApproximateNumberOfMessagesDelayed'
  | 'ApproximateNumberOfMessagesNotVisible';

async function attributes<N extends CountName>(
  client: SQSClient,
  url: string,
  names: N[],
): Promise<Record<N, number>> {
  try {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }),
    );
    const counts = {} as Record<N, number>;
    for (const name of names) counts[name] = Number(Attributes[name] ?? 0);
    return counts;
  } catch (err) {
    throw toQueueError(err, 'read queue depth');
  }
}

import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Config } from '../config.ts';
import { serializeEnvelope } from '../queue/envelope.ts';
import type { Outcome } from '../queue/port.ts';
import { createSqsClient, toQueueError } from '../queue/sqs/client.ts';
import { deadLetterAttributes } from '../queue/sqs/messages.ts';
import { sqsQueueNames } from '../queue/sqs/names.ts';

type DeadOutcome = Extract<Outcome, { type: 'dead' }>;

/** SQS's longest visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The SQS calls a task Lambda makes itself. The event source mapping receives and deletes;
 * what it cannot do is wait a retry delay (a failed record comes back after the queue's
 * visibility timeout) or put a reason on a dead letter (the redrive policy moves the body
 * only). So a retry shortens or stretches the record's visibility to the policy's delay, and a
 * message that can never succeed is sent to the DLQ with its reason, as the local drivers do.
 */
export interface RecordSettler {
  /** Make the record visible again after `delayMs`, the retry policy's backoff. */
  retryAfter(record: SQSRecord, delayMs: number): Promise<void>;
  /** Send the record to its queue's DLQ with the reason (the event source then deletes it). */
  deadLetter(record: SQSRecord, queue: string, outcome: DeadOutcome): Promise<void>;
}

export function createRecordSettler(config: Pick<Config, 'AWS_REGION' | 'SQS_ENDPOINT' | 'QUEUE_PREFIX'>) {
  const client = createSqsClient(
    {
      region: config.AWS_REGION,
      endpoint: config.SQS_ENDPOINT,
      connectTimeoutMs: 1_000,
      requestTimeoutMs: 5_000,
    },
    5_000,
    2,
  );
  const names = sqsQueueNames(config.QUEUE_PREFIX);
  const urls = new Map<string, Promise<string>>();

  /** Queue URL by name (and owner account, from a record's ARN), looked up once per container. */
  function urlOf(name: string, account?: string): Promise<string> {
    let url = urls.get(name);
    if (!url) {
      url = client
        .send(
          new GetQueueUrlCommand({
            QueueName: name,
            ...(account ? { QueueOwnerAWSAccountId: account } : {}),
          }),
        )
        .then(({ QueueUrl }) => {
          if (!QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${name}`);
          return QueueUrl;
        })
        .catch((err: unknown) => {
          urls.delete(name);
          throw toQueueError(err, `find queue '${name}'`);
        });
      urls.set(name, url);
    }
    return url;
  }

  return {
    async retryAfter(record, delayMs) {
      const { name, account } = parseQueueArn(record.eventSourceARN);
      // Whole seconds, at least 1 for any delay (as the SQS driver's retries), at most SQS's 12 hours.
      const seconds = Math.min(
        MAX_VISIBILITY_SECONDS,
        Math.max(delayMs > 0 ? 1 : 0, Math.round(delayMs / 1000)),
      );
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: await urlOf(name, account),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: seconds,
          }),
        );
      } catch (err) {
        throw toQueueError(err, 'delay a retry');
      }
    },

    async deadLetter(record, queue, outcome) {
      const { account } = parseQueueArn(record.eventSourceARN);
      try {
        await client.send(
          new SendMessageCommand({
            QueueUrl: await urlOf(names.dlq(queue), account),
            // A malformed message keeps its raw body, so it can be inspected as it arrived.
            MessageBody: outcome.envelope ? serializeEnvelope(outcome.envelope) : record.body,
            MessageAttributes: deadLetterAttributes({
              queue,
              error: outcome.error,
              envelope: outcome.envelope,
            }),
          }),
        );
      } catch (err) {
        throw toQueueError(err, 'send dead letter');
      }
    },
  } satisfies RecordSettler;
}

/** `arn:aws:sqs:us-east-1:123456789012:name` → its queue name and owner account. */
export function parseQueueArn(arn: string): { name: string; account?: string } {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[2] !== 'sqs') throw new Error(`not an SQS queue ARN: '${arn}'`);
  return { name: parts[5]!, ...(parts[4] ? { account: parts[4] } : {}) };
}

import { SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { serializeEnvelope } from '../envelope.ts';
import type { Outcome, QueueSpec } from '../port.ts';
import { toQueueError } from './client.ts';
import { deadLetterAttributes, delaySecondsFor, envelopeAttributes } from './messages.ts';

export interface OutcomeTarget {
  client: SQSClient;
  spec: QueueSpec;
  message: Message;
  queueUrl: string;
  dlqUrl: string;
  /** Batched DeleteMessage of this queue (see deleter.ts). */
  remove: (receiptHandle: string) => Promise<void>;
}

/**
 * Turn the core's decision into SQS calls. A retry or dead letter is a NEW message, sent
 * before the original is deleted: if anything fails in between, the original reappears after
 * its visibility timeout rather than being lost (at worst the copy exists twice, and the
 * inbox makes a second run a no-op). Throws when the copy could not be sent.
 *
 * Why a retry is a new message and not "leave it invisible for delayMs"
 * (ChangeMessageVisibility): SQS redelivers the original body unchanged, so the incremented
 * `attempt` could not travel with it, and visibility-based retries would also count towards
 * the RedrivePolicy's maxReceiveCount. A new message with DelaySeconds (whole seconds, at most
 * 15 minutes) goes back to this queue only, not to every queue consuming the kind.
 */
export async function applyOutcome(target: OutcomeTarget, outcome: Outcome): Promise<void> {
  const { client, spec, message } = target;
  switch (outcome.type) {
    case 'ack':
      break;
    case 'retry':
      await send(client, 'send retry', {
        QueueUrl: target.queueUrl,
        MessageBody: serializeEnvelope(outcome.envelope),
        MessageAttributes: envelopeAttributes(outcome.envelope),
        DelaySeconds: delaySecondsFor(outcome.delayMs),
      });
      break;
    case 'dead':
      await send(client, 'send dead letter', {
        QueueUrl: target.dlqUrl,
        // A malformed message keeps its raw body, so it can be inspected as it arrived.
        MessageBody: outcome.envelope ? serializeEnvelope(outcome.envelope) : (message.Body ?? ''),
        MessageAttributes: deadLetterAttributes({
          queue: spec.name,
          error: outcome.error,
          envelope: outcome.envelope,
        }),
      });
      break;
  }
  if (message.ReceiptHandle) await target.remove(message.ReceiptHandle);
}

async function send(client: SQSClient, doing: string, input: SendMessageCommand['input']): Promise<void> {
  try {
    await client.send(new SendMessageCommand(input));
  } catch (err) {
    throw toQueueError(err, doing);
  }
}

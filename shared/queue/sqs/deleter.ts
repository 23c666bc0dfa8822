import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createBatcher } from '../../runtime/batcher.ts';
import { toQueueError } from './client.ts';

/** SQS takes at most 10 entries per batch call. */
export const SQS_BATCH_LIMIT = 10;

// Entries SQS reports as Failed (throttled, internal error) are sent again this many times.
const FAILED_ENTRY_ATTEMPTS = 3;

/**
 * Deletes (acks) of one queue, grouped: handlers that finish together share a
 * DeleteMessageBatch call instead of one round trip each. Resolves once SQS confirmed the
 * delete of that receipt handle; rejects when it could not (the message then reappears after
 * its visibility timeout, and the inbox absorbs the second run).
 *
 * @example
 *   const remove = createMessageDeleter(client, queueUrl);
 *   await remove(message.ReceiptHandle!);
 */
export function createMessageDeleter(
  client: SQSClient,
  queueUrl: string,
): (receiptHandle: string) => Promise<void> {
  return createBatcher<string>((handles) => deleteAll(client, queueUrl, handles), {
    maxInFlight: 2,
    maxBatch: SQS_BATCH_LIMIT,
  });
}

async function deleteAll(client: SQSClient, queueUrl: string, handles: string[]): Promise<void> {
  let pending = handles.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle }));
  let lastFailure = '';
  for (let attempt = 1; attempt <= FAILED_ENTRY_ATTEMPTS && pending.length > 0; attempt++) {
    let failed: Set<string>;
    try {
      const reply = await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
      );
      failed = new Set((reply.Failed ?? []).map((entry) => entry.Id ?? ''));
      lastFailure = reply.Failed?.[0]?.Message ?? reply.Failed?.[0]?.Code ?? '';
    } catch (err) {
      throw toQueueError(err, 'delete messages');
    }
    pending = pending.filter((entry) => failed.has(entry.Id));
  }
  // The batcher retries a failed batch entry by entry, so only the failing handle rejects.
  if (pending.length > 0) throw toQueueError(new Error(lastFailure || 'entry failed'), 'delete messages');
}

/**
 * The raw baseline consumer for the task pipeline benchmark on SQS: bare @aws-sdk/client-sqs +
 * pg, no platform code. What a hand-written worker with the same guarantees and the same
 * shape as our SQS driver's consumer does:
 *
 * - one long-poll loop (WaitTimeSeconds 20) asking for as many messages as there are free
 *   slots, at most 10, with at most BENCH_PREFETCH messages in handlers at once;
 * - per message: BEGIN; record the message id in an inbox; write the effect; COMMIT; then
 *   delete it, a slot staying taken until the delete is confirmed;
 * - deletes coalesced into DeleteMessageBatch calls of at most 10, at most 2 in flight (what
 *   our driver's deleter does), so both sides make the same number of round trips.
 *
 * Env: DATABASE_URL, SQS_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * BENCH_SQS_QUEUE_URL, BENCH_PREFETCH, BENCH_POOL. Prints `ready` once polling; SIGTERM stops
 * polling, finishes in-flight messages and exits.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import pg from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`sqs-raw-worker needs ${name}`);
  return value;
};

const SQS_BATCH_LIMIT = 10;
const DELETES_IN_FLIGHT = 2;

const queueUrl = env('BENCH_SQS_QUEUE_URL');
// The inbox keys rows by queue name, like the platform's.
const queueName = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
const concurrency = Number(env('BENCH_PREFETCH'));
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; the explicit endpoint keeps
// the SDK off the emulator's queue URL host, which does not resolve.
const client = new SQSClient({ region: env('AWS_REGION'), endpoint: env('SQS_ENDPOINT') });
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('BENCH_POOL')) });
const stopping = new AbortController();
const inFlight = new Set<Promise<void>>();
let slotFreed: (() => void) | null = null;

async function pollLoop(): Promise<void> {
  while (!stopping.signal.aborted) {
    const free = concurrency - inFlight.size;
    if (free <= 0) {
      await new Promise<void>((resolve) => (slotFreed = resolve));
      continue;
    }
    let messages: Message[];
    try {
      const reply = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(SQS_BATCH_LIMIT, free),
          WaitTimeSeconds: 20,
        }),
        { abortSignal: stopping.signal },
      );
      messages = reply.Messages ?? [];
    } catch (err) {
      if (stopping.signal.aborted) return;
      throw err;
    }
    for (const message of messages) {
      const work = handle(message).finally(() => {
        inFlight.delete(work);
        slotFreed?.();
      });
      inFlight.add(work);
    }
  }
}

async function handle(message: Message): Promise<void> {
  const envelope = JSON.parse(message.Body ?? '') as { id: string; kind: string; payload: { n: number } };
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    await db.query(
      'insert into raw_inbox (message_id, queue, kind) values ($1, $2, $3) on conflict do nothing',
      [envelope.id, queueName, envelope.kind],
    );
    await db.query('insert into raw_effects (message_id, n) values ($1, $2)', [
      envelope.id,
      envelope.payload.n,
    ]);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    console.error('sqs-raw-worker: message failed', err);
    // Visible again at once, as a RabbitMQ nack with requeue would make it.
    await client
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      )
      .catch(() => undefined);
    return;
  } finally {
    db.release();
  }
  await remove(message.ReceiptHandle!).catch((err: unknown) =>
    // The message reappears after its visibility timeout; the inbox insert absorbs it.
    console.error('sqs-raw-worker: delete failed', err),
  );
}

const waitingDeletes: Array<{ receiptHandle: string; resolve(): void; reject(err: unknown): void }> = [];
let deletesInFlight = 0;

/** Resolves once SQS confirmed the delete; deletes waiting while 2 calls run go in the next one. */
function remove(receiptHandle: string): Promise<void> {
  return new Promise((resolve, reject) => {
    waitingDeletes.push({ receiptHandle, resolve, reject });
    sendDeletes();
  });
}

function sendDeletes(): void {
  while (deletesInFlight < DELETES_IN_FLIGHT && waitingDeletes.length > 0) {
    const batch = waitingDeletes.splice(0, SQS_BATCH_LIMIT);
    deletesInFlight += 1;
    client
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((entry, i) => ({ Id: String(i), ReceiptHandle: entry.receiptHandle })),
        }),
      )
      .then(
        (reply) => {
          const failed = new Set((reply.Failed ?? []).map((entry) => entry.Id));
          batch.forEach((entry, i) =>
            failed.has(String(i))
              ? entry.reject(new Error('DeleteMessageBatch entry failed'))
              : entry.resolve(),
          );
        },
        (err: unknown) => batch.forEach((entry) => entry.reject(err)),
      )
      .finally(() => {
        deletesInFlight -= 1;
        sendDeletes();
      });
  }
}

const polling = pollLoop().catch((err: unknown) => {
  console.error('sqs-raw-worker: receive failed', err);
  process.exit(1);
});
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    // A message the aborted poll had already received reappears after its visibility timeout;
    // the bench deletes the queue right after, so nothing waits for it.
    stopping.abort();
    slotFreed?.();
    await polling;
    await Promise.allSettled([...inFlight]);
    client.destroy();
    await pool.end();
    process.exit(0);
  })();
});

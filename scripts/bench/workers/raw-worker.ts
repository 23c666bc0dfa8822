/**
 * The raw baseline worker of the pipeline sections: bare amqplib or @aws-sdk/client-sqs, and pg,
 * no platform code. Per message what a hand-written worker with the same guarantees does: BEGIN;
 * record the message id in an inbox; write the effect; COMMIT; then ack (RabbitMQ) or delete (SQS).
 *
 * Env: DATABASE_URL, BENCH_PREFETCH, BENCH_POOL, and either RABBITMQ_URL + BENCH_QUEUE, or
 * BENCH_SQS_QUEUE_URL + SQS_ENDPOINT + AWS_REGION + AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY.
 * SIGTERM stops taking messages, finishes those in flight and exits.
 */
import pg from 'pg';
import { requiredEnv } from './env.ts';

const env = requiredEnv('raw-worker');

const prefetch = Number(env('BENCH_PREFETCH'));
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('BENCH_POOL')) });
const inFlight = new Set<Promise<void>>();
let slotFreed: (() => void) | null = null;

/** Count a message's handling in flight until it settles, acked or deleted. */
function track(work: Promise<void>): void {
  const tracked = work.finally(() => {
    inFlight.delete(tracked);
    slotFreed?.();
  });
  inFlight.add(tracked);
}

/** The message's whole effect, in one transaction; the inbox row makes a redelivery harmless. */
async function commitEffect(body: string, queue: string): Promise<void> {
  const envelope = JSON.parse(body) as { id: string; kind: string; payload: { n: number } };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      'insert into raw_inbox (message_id, queue, kind) values ($1, $2, $3) on conflict do nothing',
      [envelope.id, queue, envelope.kind],
    );
    await client.query('insert into raw_effects (message_id, n) values ($1, $2)', [
      envelope.id,
      envelope.payload.n,
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    console.error('raw-worker: message failed', err);
    throw err;
  } finally {
    client.release();
  }
}

/** Consume with `prefetch` unacked; ack after the commit, requeue on failure. Returns the stop. */
async function consumeRabbitMq(): Promise<() => Promise<void>> {
  // Each transport's client is loaded only when used: the worker's peak RSS is a figure.
  const { default: amqp } = await import('amqplib');
  const queue = env('BENCH_QUEUE');
  const connection = await amqp.connect(env('RABBITMQ_URL'));
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  const { consumerTag } = await channel.consume(queue, (message) => {
    if (!message) return;
    track(
      commitEffect(message.content.toString('utf8'), queue).then(
        () => channel.ack(message),
        () => channel.nack(message, false, true),
      ),
    );
  });
  return async () => {
    await channel.cancel(consumerTag);
    await Promise.allSettled([...inFlight]);
    await connection.close();
  };
}

const SQS_BATCH_LIMIT = 10;

/**
 * The shape of our SQS driver's consumer, so both sides make the same round trips: one long-poll
 * loop asking for as many messages as there are free slots (at most 10, at most `prefetch` in
 * handlers), a slot taken until the delete is confirmed, deletes coalesced into batches of 10 with
 * at most 2 calls in flight. Returns the stop.
 */
async function consumeSqs(queueUrl: string): Promise<() => Promise<void>> {
  const { ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } =
    await import('@aws-sdk/client-sqs');
  // The explicit endpoint keeps the SDK off the emulator's queue URL host, which does not resolve.
  const client = new SQSClient({ region: env('AWS_REGION'), endpoint: env('SQS_ENDPOINT') });
  // The inbox keys rows by queue name, like the platform's.
  const queue = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  const stopping = new AbortController();
  const waitingDeletes: Array<{ receiptHandle: string; done(err?: unknown): void }> = [];
  let deletesInFlight = 0;

  const sendDeletes = (): void => {
    while (deletesInFlight < 2 && waitingDeletes.length > 0) {
      const batch = waitingDeletes.splice(0, SQS_BATCH_LIMIT);
      deletesInFlight += 1;
      const Entries = batch.map((entry, i) => ({ Id: String(i), ReceiptHandle: entry.receiptHandle }));
      client
        .send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }))
        .then(
          (reply) => {
            const failed = new Set((reply.Failed ?? []).map((entry) => entry.Id));
            batch.forEach((entry, i) =>
              entry.done(failed.has(String(i)) ? new Error('DeleteMessageBatch entry failed') : undefined),
            );
          },
          (err: unknown) => batch.forEach((entry) => entry.done(err)),
        )
        .finally(() => {
          deletesInFlight -= 1;
          sendDeletes();
        });
    }
  };
  const remove = (receiptHandle: string) =>
    new Promise<void>((resolve, reject) => {
      waitingDeletes.push({ receiptHandle, done: (err) => (err ? reject(err) : resolve()) });
      sendDeletes();
    });
  const handle = async ({ Body, ReceiptHandle }: { Body?: string; ReceiptHandle?: string }) => {
    try {
      await commitEffect(Body ?? '', queue);
    } catch {
      // Visible again at once, as a RabbitMQ nack with requeue would make it.
      const visible = { QueueUrl: queueUrl, ReceiptHandle, VisibilityTimeout: 0 };
      await client.send(new ChangeMessageVisibilityCommand(visible)).catch(() => undefined);
      return;
    }
    // A message whose delete failed reappears after its visibility timeout; the inbox absorbs it.
    await remove(ReceiptHandle!).catch((err: unknown) => console.error('raw-worker: delete failed', err));
  };

  const poll = async () => {
    while (!stopping.signal.aborted) {
      const free = prefetch - inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
        continue;
      }
      const receive = { QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(SQS_BATCH_LIMIT, free) };
      const reply = await client
        .send(new ReceiveMessageCommand({ ...receive, WaitTimeSeconds: 20 }), {
          abortSignal: stopping.signal,
        })
        .catch((err: unknown) => {
          if (!stopping.signal.aborted) throw err;
        });
      for (const message of reply?.Messages ?? []) track(handle(message));
    }
  };
  const polling = poll().catch((err: unknown) => {
    console.error('raw-worker: receive failed', err);
    process.exit(1);
  });
  return async () => {
    // What the aborted poll had received reappears later; the bench deletes the queue by then.
    stopping.abort();
    slotFreed?.();
    await polling;
    await Promise.allSettled([...inFlight]);
    client.destroy();
  };
}

const sqsQueueUrl = process.env.BENCH_SQS_QUEUE_URL;
const stop = await (sqsQueueUrl ? consumeSqs(sqsQueueUrl) : consumeRabbitMq());
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void stop()
    .then(() => pool.end())
    .then(() => process.exit(0));
});

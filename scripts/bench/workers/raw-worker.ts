/**
 * The raw baseline consumer for the task pipeline benchmark: bare amqplib + pg, no platform
 * code. What any hand-written worker with the same guarantees would do per message:
 * BEGIN; record the message id in an inbox; write the effect; COMMIT; then ack.
 *
 * Env: DATABASE_URL, RABBITMQ_URL, BENCH_EXCHANGE, BENCH_QUEUE, BENCH_ROUTING_KEY,
 * BENCH_PREFETCH, BENCH_POOL. Prints `ready` once consuming; SIGTERM drains and exits.
 */
import amqp, { type ConsumeMessage } from 'amqplib';
import pg from 'pg';
import { declareRawRoute } from '../helpers.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`raw-worker needs ${name}`);
  return value;
};

const route = {
  exchange: env('BENCH_EXCHANGE'),
  queue: env('BENCH_QUEUE'),
  routingKey: env('BENCH_ROUTING_KEY'),
};
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('BENCH_POOL')) });
const connection = await amqp.connect(env('RABBITMQ_URL'));
const channel = await connection.createChannel();
await declareRawRoute(channel, route);
await channel.prefetch(Number(env('BENCH_PREFETCH')));

const inFlight = new Set<Promise<void>>();

async function handle(message: ConsumeMessage): Promise<void> {
  const envelope = JSON.parse(message.content.toString('utf8')) as {
    id: string;
    kind: string;
    payload: { n: number };
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      'insert into raw_inbox (message_id, queue, kind) values ($1, $2, $3) on conflict do nothing',
      [envelope.id, route.queue, envelope.kind],
    );
    await client.query('insert into raw_effects (message_id, n) values ($1, $2)', [
      envelope.id,
      envelope.payload.n,
    ]);
    await client.query('COMMIT');
    channel.ack(message);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    channel.nack(message, false, true);
    console.error('raw-worker: message failed', err);
  } finally {
    client.release();
  }
}

const { consumerTag } = await channel.consume(
  route.queue,
  (message) => {
    if (!message) return;
    const work = handle(message).finally(() => inFlight.delete(work));
    inFlight.add(work);
  },
  { noAck: false },
);
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await channel.cancel(consumerTag);
    await Promise.allSettled([...inFlight]);
    await connection.close();
    await pool.end();
    process.exit(0);
  })();
});

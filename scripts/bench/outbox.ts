import pino from 'pino';
import { createPgDb } from '../../shared/db/pg.ts';
import { createOutboxRelay, DEFAULT_BATCH_SIZE, writeToOutbox } from '../../shared/outbox/index.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import type { Topology } from '../../shared/queue/port.ts';
import { createRabbitMqDriver, topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import { rawConfirmPublisher, withConfirmChannel } from './helpers.ts';
import { platformBrokerObjects, type BenchRun } from './run.ts';
import { alone, defineSection, versus } from './section.ts';

/**
 * (i) The outbox relay on RabbitMQ: committed outbox rows sent with confirms and marked sent,
 * against bare amqplib publishing the same envelopes with confirms (as many in flight as the relay's
 * batch), in the same run. Then the lag under load: a producer commits messages at a steady rate
 * while the relay runs (woken by NOTIFY), and each message's wait from commit to sent is read back.
 */
export interface OutboxBenchResult {
  messages: number;
  ours: { seconds: number; perSecond: number };
  raw: { seconds: number; perSecond: number };
  lag: {
    ratePerSecond: number;
    seconds: number;
    messages: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
  };
}

export default defineSection({
  name: 'outbox',
  description: () => '20,000 committed messages vs raw confirm-publish, then the lag under load',
  needs: ['postgres', 'rabbitmq'],
  run: benchOutbox,
  report: ({ messages, ours, raw, lag }) => ({
    figures: [
      versus(
        `outbox relay: ${messages} committed messages sent with confirms [raw: amqplib confirm-publish, as many in flight]`,
        'msg/s',
        ours.perSecond,
        raw.perSecond,
      ),
      alone(
        `outbox lag p95, commit to confirmed, at ${lag.ratePerSecond} msg/s for ${lag.seconds} s`,
        'ms',
        lag.p95Ms,
      ),
    ],
    details: [
      `lag p50 ${Math.round(lag.p50Ms)} ms, p95 ${Math.round(lag.p95Ms)} ms, max ${Math.round(lag.maxMs)} ms.`,
    ],
  }),
});

const KIND = 'bench_outbox';
const BATCH = DEFAULT_BATCH_SIZE;

export async function benchOutbox(run: BenchRun): Promise<OutboxBenchResult> {
  const messages = Number(process.env.BENCH_OUTBOX_MESSAGES ?? 20_000);
  const topology: Topology = {
    queues: [
      {
        name: 'bench.outbox',
        kinds: [KIND],
        concurrency: 1,
        retry: { attempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 },
      },
    ],
  };
  run.defer(() => run.deleteBrokerObjects(platformBrokerObjects(run.prefix, topology)));
  const log = pino({ level: 'warn' });
  const driver = createRabbitMqDriver({ url: run.settings.rabbitmqUrl, prefix: run.prefix, log });
  await driver.declare(topology);
  run.defer(() => driver.close());
  const db = createPgDb(run.databaseUrl, { max: 4 });
  run.defer(() => db.close());
  const envelopeOf = (n: number) => createEnvelope({ kind: KIND, payload: { n, title: `Product ${n}` } });

  // Raw: the same envelopes, confirm-published with bare amqplib, BATCH at a time.
  const names = topologyNames(run.prefix);
  const raw = await withConfirmChannel(run.settings.rabbitmqUrl, async (channel) => {
    // The exchange and queue our driver declared, bound by kind: the same route for both sides.
    const route = { exchange: names.exchange, queue: names.main('bench.outbox'), routingKey: KIND };
    const publish = rawConfirmPublisher(channel, route);
    const started = performance.now();
    for (let n = 0; n < messages; n += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, messages - n) }, (_, i) => envelopeOf(n + i));
      await Promise.all(batch.map((e) => publish(Buffer.from(JSON.stringify(e)), { messageId: e.id })));
    }
    return (performance.now() - started) / 1000;
  });

  // Ours: the same number of committed outbox rows, then the relay drains them.
  for (let n = 0; n < messages; n += 1000) {
    await db.transaction(async (tx) => {
      for (let i = n; i < Math.min(n + 1000, messages); i++) await writeToOutbox(tx, envelopeOf(i));
    });
  }
  const relay = createOutboxRelay({ db, driver, log });
  const started = performance.now();
  const sent = await relay.drain();
  const ours = (performance.now() - started) / 1000;
  if (sent !== messages) throw new Error(`the relay sent ${sent} of ${messages}`);

  return {
    messages,
    ours: { seconds: ours, perSecond: messages / ours },
    raw: { seconds: raw, perSecond: messages / raw },
    lag: await measureLag(db, driver, log, envelopeOf),
  };
}

/** A producer commits `rate` messages a second (ten commits a second) for a few seconds, the relay running. */
async function measureLag(
  db: ReturnType<typeof createPgDb>,
  driver: ReturnType<typeof createRabbitMqDriver>,
  log: pino.Logger,
  envelopeOf: (n: number) => ReturnType<typeof createEnvelope>,
): Promise<OutboxBenchResult['lag']> {
  const rate = Number(process.env.BENCH_OUTBOX_RATE ?? 2000);
  const seconds = 5;
  await db.query('truncate outbox');
  const relay = createOutboxRelay({ db, driver, log });
  await relay.start();
  try {
    const perTick = rate / 10;
    let n = 0;
    for (let tick = 0; tick < seconds * 10; tick++) {
      const due = performance.now() + 100;
      await db.transaction(async (tx) => {
        for (let i = 0; i < perTick; i++) await writeToOutbox(tx, envelopeOf(n++));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    const deadline = Date.now() + 30_000;
    while ((await db.query(`select 1 from outbox where sent_at is null limit 1`)).rowCount > 0) {
      if (Date.now() > deadline) throw new Error('the relay did not catch up within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { rows } = await db.query<{ p50: number; p95: number; max: number; n: number }>(
      `select percentile_cont(0.5) within group (order by ms) as p50,
              percentile_cont(0.95) within group (order by ms) as p95, max(ms) as max, count(*)::int as n
         from (select extract(epoch from sent_at - created_at) * 1000 as ms from outbox) lags`,
    );
    const lag = rows[0]!;
    return { ratePerSecond: rate, seconds, messages: lag.n, p50Ms: lag.p50, p95Ms: lag.p95, maxMs: lag.max };
  } finally {
    await relay.stop();
  }
}

import pino from 'pino';
import { createPgDb } from '../../shared/db/pg.ts';
import { createOutboxRelay, DEFAULT_BATCH_SIZE, writeToOutbox } from '../../shared/outbox/index.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import type { Topology } from '../../shared/queue/port.ts';
import { createRabbitMqDriver, topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import { rawConfirmPublisher, waitUntil, withConfirmChannel } from './helpers.ts';
import { platformBrokerObjects, type BenchRun } from './run.ts';
import { alone, defineSection, versus } from './section.ts';

/**
 * The outbox relay on RabbitMQ: committed outbox rows sent with confirms and marked sent, against
 * bare amqplib publishing the same envelopes with confirms (as many in flight as the relay's
 * batch). Then the lag under load: a producer commits at a steady rate while the relay runs
 * (woken by NOTIFY), and each message's wait from commit to sent is read back.
 */
export default defineSection({
  name: 'outbox',
  description: (s) =>
    `${s.outboxMessages} committed messages vs raw confirm-publish, then the lag under load`,
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
const QUEUE = 'bench.outbox';
const LAG_SECONDS = 5;

async function benchOutbox(run: BenchRun) {
  const { outboxMessages: messages, outboxRate: rate, rabbitmqUrl } = run.settings;
  const topology: Topology = {
    queues: [
      {
        name: QUEUE,
        kinds: [KIND],
        concurrency: 1,
        retry: { attempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 },
      },
    ],
  };
  run.defer(() => run.deleteBrokerObjects(platformBrokerObjects(run.prefix, topology)));
  const log = pino({ level: 'warn' });
  const driver = createRabbitMqDriver({ url: rabbitmqUrl, prefix: run.prefix, log });
  await driver.declare(topology);
  run.defer(() => driver.close());
  const db = createPgDb(run.databaseUrl, { max: 4 });
  run.defer(() => db.close());
  const envelopeOf = (n: number) => createEnvelope({ kind: KIND, payload: { n, title: `Product ${n}` } });
  const timed = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: messages / seconds };
  };

  // Raw: the same envelopes into the exchange and queue our driver declared, a batch at a time.
  const names = topologyNames(run.prefix);
  const route = { exchange: names.exchange, queue: names.main(QUEUE), routingKey: KIND };
  const raw = await withConfirmChannel(rabbitmqUrl, (channel) => {
    const publish = rawConfirmPublisher(channel, route);
    return timed(async () => {
      for (let n = 0; n < messages; n += DEFAULT_BATCH_SIZE) {
        const batch = Array.from({ length: Math.min(DEFAULT_BATCH_SIZE, messages - n) }, (_, i) =>
          envelopeOf(n + i),
        );
        await Promise.all(batch.map((e) => publish(Buffer.from(JSON.stringify(e)), { messageId: e.id })));
      }
    });
  });

  // Ours: the same number of committed outbox rows, then the relay drains them.
  for (let n = 0; n < messages; n += 1000) {
    await db.transaction(async (tx) => {
      for (let i = n; i < Math.min(n + 1000, messages); i++) await writeToOutbox(tx, envelopeOf(i));
    });
  }
  let sent = 0;
  const ours = await timed(async () => (sent = await createOutboxRelay({ db, driver, log }).drain()));
  if (sent !== messages) throw new Error(`the relay sent ${sent} of ${messages}`);

  // The lag: `rate` messages a second, in ten commits a second, for a few seconds, the relay running.
  await db.query('truncate outbox');
  const relay = createOutboxRelay({ db, driver, log });
  await relay.start();
  try {
    let n = 0;
    for (let tick = 0; tick < LAG_SECONDS * 10; tick++) {
      const due = performance.now() + 100;
      await db.transaction(async (tx) => {
        for (let i = 0; i < rate / 10; i++) await writeToOutbox(tx, envelopeOf(n++));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    const unsent = async () =>
      (await db.query(`select 1 from outbox where sent_at is null limit 1`)).rowCount;
    await waitUntil(async () => (await unsent()) === 0, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the relay to catch up',
    });
  } finally {
    await relay.stop();
  }
  const { rows } = await db.query<{ p50: number; p95: number; max: number }>(
    `select percentile_cont(0.5) within group (order by ms) as p50,
            percentile_cont(0.95) within group (order by ms) as p95, max(ms) as max
       from (select extract(epoch from sent_at - created_at) * 1000 as ms from outbox) lags`,
  );
  const lag = {
    ratePerSecond: rate,
    seconds: LAG_SECONDS,
    p50Ms: rows[0]!.p50,
    p95Ms: rows[0]!.p95,
    maxMs: rows[0]!.max,
  };
  return { messages, ours, raw, lag };
}

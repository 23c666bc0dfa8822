import { beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Db } from '../../shared/db/port.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { createOutboxRelay, outboxBacklog, writeToOutbox } from '../../shared/outbox/index.ts';
import { createEnvelope, type Envelope } from '../../shared/queue/envelope.ts';
import { createPublisher } from '../../shared/runtime/publisher.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { dbBackends, useTestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait.ts';

/** The transactional outbox and its relay, on both databases, with a broker that can fail. */
const log = pino({ level: 'silent' });

/** A broker stand-in: records what it confirmed; refuses while `down`. */
function fakeBroker() {
  const broker = {
    down: false,
    published: [] as Envelope[],
    async publish(envelope: Envelope) {
      if (broker.down) throw new Error('broker unreachable');
      await new Promise((resolve) => setImmediate(resolve));
      broker.published.push(envelope);
    },
  };
  return broker;
}

describe.each(dbBackends)('the outbox on %s', (backend) => {
  const test = useTestDb(backend);
  let db: Db;
  beforeEach(async () => {
    db = test.db;
    await db.query('truncate outbox');
  });

  const envelope = (n: number) => createEnvelope({ kind: 'product_created', payload: { n } });

  it('sends what a committed transaction wrote, once, and nothing of a rolled-back one', async () => {
    const broker = fakeBroker();
    const relay = createOutboxRelay({ db, driver: broker, log });
    const kept = envelope(1);
    await db.transaction((tx) => writeToOutbox(tx, kept));
    await db
      .transaction(async (tx) => {
        await writeToOutbox(tx, envelope(2));
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await relay.drain()).toBe(1);
    expect(await relay.drain()).toBe(0);
    expect(broker.published.map((e) => e.id)).toEqual([kept.id]);
    expect(await outboxBacklog(db)).toEqual({ pending: 0, lagSeconds: 0 });
  });

  it('publishes through ctx.queue with `tx` only once the transaction commits', async () => {
    const broker = fakeBroker();
    const publisher = createPublisher(broker as unknown as QueueDriver, createMetrics());
    const { messageId } = await db.transaction(async (tx) => {
      const result = await publisher.publish('product_liked', { productId: 1 }, { tx });
      expect(broker.published).toEqual([]);
      return result;
    });
    expect((await outboxBacklog(db)).pending).toBe(1);
    await createOutboxRelay({ db, driver: broker, log }).drain();
    expect(broker.published.map((e) => e.id)).toEqual([messageId]);
  });

  it('wakes on the commit, not on its poll', async () => {
    const broker = fakeBroker();
    const relay = createOutboxRelay({ db, driver: broker, log, pollMs: 60_000 });
    await relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the first (empty) pass is done
      await db.transaction((tx) => writeToOutbox(tx, envelope(3)));
      await waitFor(() => broker.published.length === 1, { timeoutMs: 5000, message: 'the relay to send' });
    } finally {
      await relay.stop();
    }
  });

  it('keeps a message the broker refused, retries it later, and sends it once the broker is back', async () => {
    const broker = fakeBroker();
    const failures: string[] = [];
    const relay = createOutboxRelay({
      db,
      driver: broker,
      log,
      baseDelayMs: 60_000,
      onFailed: (e) => failures.push(e.id),
    });
    const first = envelope(4);
    const second = envelope(5);
    await db.transaction(async (tx) => {
      await writeToOutbox(tx, first);
      await writeToOutbox(tx, second);
    });
    broker.down = true;
    expect(await relay.drain()).toBe(0);
    expect(failures).toEqual([first.id, second.id]);
    const { rows } = await db.query<{ attempts: number; last_error: string; later: boolean }>(
      `select attempts, last_error, next_attempt_at > now() + interval '50 seconds' as later from outbox order by id`,
    );
    expect(rows).toEqual([
      { attempts: 1, last_error: 'broker unreachable', later: true },
      { attempts: 1, last_error: 'broker unreachable', later: true },
    ]);
    broker.down = false;
    // Not before their delay (moved to now here): then both go, in order.
    expect(await relay.drain()).toBe(0);
    await db.query(`update outbox set next_attempt_at = now()`);
    expect(await relay.drain()).toBe(2);
    expect(broker.published.map((e) => e.id)).toEqual([first.id, second.id]);
    expect((await outboxBacklog(db)).pending).toBe(0);
  });
});

// Several relays at once need several connections: Postgres only (PGlite has one).
describe('outbox relays side by side on postgres', () => {
  const test = useTestDb('postgres');

  it('share the rows without sending one twice', async () => {
    const { db } = test;
    const broker = fakeBroker();
    const envelopes = Array.from({ length: 300 }, (_, n) =>
      createEnvelope({ kind: 'product_created', payload: { n } }),
    );
    await db.transaction(async (tx) => {
      for (const e of envelopes) await writeToOutbox(tx, e);
    });
    const relays = [1, 2, 3].map(() => createOutboxRelay({ db, driver: broker, log, batchSize: 20 }));
    const sent = await Promise.all(relays.map((relay) => relay.drain()));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(300);
    const ids = broker.published.map((e) => e.id);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toHaveLength(300);
  });
});

import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProductEvent } from '../../functions/catalog/lib/replica.ts';
import { likeProduct } from '../../functions/catalog/lib/gallery.ts';
import { productEventSchema } from '../../functions/catalog/lib/events.ts';
import {
  countLike,
  createProduct,
  deleteProduct,
  insertProduct,
  updateProduct,
} from '../../functions/catalog-admin/lib/products.ts';
import { productLikedSchema } from '../../functions/catalog-admin/lib/events.ts';
import { createAuthServices } from '../../shared/auth/services.ts';
import { loadConfig } from '../../shared/config.ts';
import type { Db } from '../../shared/db/port.ts';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { outboxRelayFor } from '../../shared/outbox/index.ts';
import type { Envelope } from '../../shared/queue/envelope.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { loadManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import { createPlatform } from '../../shared/runtime/platform.ts';
import { createPublisher } from '../../shared/runtime/publisher.ts';
import { startRunner, type Runner } from '../../shared/runtime/runner.ts';
import { startAdminRunner, type AdminRunner } from '../helpers/admin-runner.ts';
import { FAST_PASSWORDS } from '../helpers/auth.ts';
import { createTestDb, useTestDb, type TestDb } from '../helpers/db.ts';
import { createTestDriver, stacks, testLog, type TestDriver } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The Catalog's sync under faults: the relay crashing around its publishes, transactions rolled
 * back after writing their event, the broker down during admin writes, a publish the broker
 * refuses, and every event delivered twice in a shuffled order. Whatever happens, the gallery's
 * replica ends equal to the admin table and each like is counted once.
 */

/** A driver whose publishes can fail: `down` refuses all; `crashOn` picks envelopes to crash around. */
function faultyDriver(driver: QueueDriver) {
  const faults = { down: false, crashedBefore: 0, crashedAfter: 0, crashOn: (_e: Envelope) => false };
  const seen = new Set<string>();
  const publish = async (envelope: Envelope) => {
    if (faults.down) throw new QueueUnavailableError('broker unreachable (injected)');
    if (!seen.has(envelope.id) && faults.crashOn(envelope)) {
      seen.add(envelope.id);
      // Half crash before the send (the commit is done, the publish never happens), half after it
      // (the broker has the message, the row is not marked sent): the relay must recover both.
      if (seen.size % 2 === 0) {
        faults.crashedBefore++;
        throw new Error('injected crash between commit and publish');
      }
      await driver.publish(envelope);
      faults.crashedAfter++;
      throw new Error('injected crash between publish and mark');
    }
    await driver.publish(envelope);
  };
  const proxy = new Proxy(driver, {
    get(target, property) {
      if (property === 'publish') return publish;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { driver: proxy, faults };
}

/** One in ten envelopes, decided by its id (stable across retries). */
const oneInTen = (envelope: Envelope) => parseInt(envelope.id.replaceAll('-', '').slice(-6), 16) % 10 === 0;

interface ReplicaRow {
  id: number;
  title: string;
  image: string;
}

async function adminRows(db: Db): Promise<ReplicaRow[]> {
  return (await db.query<ReplicaRow>(`select id, title, image from catalog_admin.products order by id`)).rows;
}

async function galleryRows(db: Db): Promise<ReplicaRow[]> {
  return (
    await db.query<ReplicaRow>(`select id, title, image from catalog.products where not deleted order by id`)
  ).rows;
}

let manifest: Manifest;
beforeAll(async () => {
  manifest = await loadManifest();
});

describe.each(stacks)('Catalog sync under faults on $name', (stack) => {
  let testDb: TestDb;
  let testDriver: TestDriver;
  let runner: Runner;
  let faulty: ReturnType<typeof faultyDriver>;

  beforeAll(async () => {
    testDb = await createTestDb(stack.db);
    testDriver = await createTestDriver(stack.queue);
    faulty = faultyDriver(testDriver.driver);
    const config = loadConfig(testDriver.env);
    const platform = createPlatform({ config, log: testLog, db: testDb.db, driver: faulty.driver, manifest });
    // A worker: both services' consumers, and the relay, which publishes through the faulty driver.
    runner = await startRunner(platform, { roles: ['worker'], port: 0 });
  }, 60_000);
  afterAll(async () => {
    await runner?.stop();
    await testDriver?.cleanup(topologyOf(manifest).queues.map((queue) => queue.name));
    await testDb?.drop();
  });

  it('ends with the replica equal to the admin table after 1,000 changes, 10% crashing around their publish', async () => {
    const { db } = testDb;
    const queue = createPublisher(faulty.driver, createMetrics());
    const ctx = { db, queue };
    faulty.faults.crashOn = oneInTen;
    const rolledBack: number[] = [];
    let committed = 0;
    // Four admins at once, each changing its own products: creates, updates, deletes, and one
    // change in ten rolled back after its event was written.
    const admin = async (lane: number) => {
      const mine: number[] = [];
      for (let step = 0; step < 250; step++) {
        const roll = (lane * 7919 + step * 104_729) % 100;
        if (roll < 10) {
          await db
            .transaction(async (tx) => {
              const product = await insertProduct(queue, tx, {
                title: `never ${lane}-${step}`,
                image: 'https://example.com/x.png',
              });
              rolledBack.push(product.id);
              throw new Error('rolled back on purpose');
            })
            .catch((err: unknown) => {
              if ((err as Error).message !== 'rolled back on purpose') throw err;
            });
          continue;
        }
        if (mine.length === 0 || roll < 40) {
          mine.push(
            (
              await createProduct(ctx, {
                title: `p ${lane}-${step}`,
                image: `https://example.com/${step}.png`,
              })
            ).id,
          );
        } else if (roll < 85) {
          const id = mine[step % mine.length]!;
          await updateProduct(ctx, id, {
            title: `p ${lane}-${step} v`,
            image: `https://example.com/${step}-v.png`,
          });
        } else {
          await deleteProduct(ctx, mine.splice(step % mine.length, 1)[0]!);
        }
        committed++;
      }
    };
    await Promise.all([0, 1, 2, 3].map(admin));

    const outbox = async () =>
      (
        await db.query<{ total: number; unsent: number }>(
          `select count(*)::int as total, count(*) filter (where sent_at is null)::int as unsent
             from outbox where kind like 'catalog.product_%'`,
        )
      ).rows[0]!;
    // The relay marks a row sent after the broker's confirm, which can come after the consumer
    // applied the event: the replica may be equal a moment before the last mark.
    await waitFor(
      async () =>
        JSON.stringify(await galleryRows(db)) === JSON.stringify(await adminRows(db)) &&
        (await outbox()).unsent === 0,
      {
        timeoutMs: 90_000,
        intervalMs: 200,
        message: 'the replica to equal the admin table, every event sent',
      },
    );
    expect(await outbox()).toEqual({ total: committed, unsent: 0 });
    // Faults really happened, of both kinds.
    expect(faulty.faults.crashedBefore).toBeGreaterThan(10);
    expect(faulty.faults.crashedAfter).toBeGreaterThan(10);
    // No phantom: a rolled-back create left no event and no product anywhere.
    expect(rolledBack.length).toBeGreaterThan(50);
    const phantoms = await db.query(
      `select id from catalog.products where id = any($1::int[])
        union all select (envelope->'payload'->>'productId')::int from outbox
         where (envelope->'payload'->>'productId')::int = any($1::int[])`,
      [rolledBack],
    );
    expect(phantoms.rows).toEqual([]);
    expect((await adminRows(db)).length).toBeGreaterThan(100);
  }, 150_000);

  it('counts every like once, with the same crashes on the way back', async () => {
    const { db } = testDb;
    const queue = createPublisher(faulty.driver, createMetrics());
    const auth = createAuthServices({
      db,
      config: loadConfig(testDriver.env),
      passwordParams: FAST_PASSWORDS,
    });
    const users = await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        auth.users.register({ email: `liker-${n}@example.com`, password: 'liker-pass-123' }),
      ),
    );
    const products = (await galleryRows(db)).slice(0, 20).map((row) => row.id);
    await Promise.all(
      users.map(async (user, n) => {
        for (const id of products.filter((_, i) => (i + n) % 2 === 0))
          await likeProduct({ db, queue }, id, user.id);
      }),
    );
    const expected = await db.query<{ id: number; likes: number }>(
      `select product_id as id, count(*)::int as likes from catalog.likes group by product_id order by product_id`,
    );
    expect(expected.rows.length).toBe(20);
    await waitFor(
      async () => {
        const counted = await db.query<{ id: number; likes: number }>(
          `select id, likes from catalog_admin.products where likes > 0 order by id`,
        );
        return JSON.stringify(counted.rows) === JSON.stringify(expected.rows);
      },
      { timeoutMs: 60_000, intervalMs: 200, message: 'the admin counts to equal the likes' },
    );
  }, 90_000);
});

// No worker here: its relay would take the row first and log elsewhere.
describe.each(stacks)('Catalog publishes the broker refuses on $name', (stack) => {
  let testDb: TestDb;
  let testDriver: TestDriver;

  beforeAll(async () => {
    testDb = await createTestDb(stack.db);
    testDriver = await createTestDriver(stack.queue);
    await testDriver.driver.declare(topologyOf(manifest));
  }, 60_000);
  afterAll(async () => {
    await testDriver?.cleanup(topologyOf(manifest).queues.map((queue) => queue.name));
    await testDb?.drop();
  });

  it('keeps a publish the broker refuses (a kind nobody consumes) pending, in the log and the metrics', async () => {
    const { db } = testDb;
    const lines: { msg: string; kind?: string }[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }),
    );
    const metrics = createMetrics();
    const { messageId } = await db.transaction((tx) =>
      createPublisher(testDriver.driver, metrics).publish('catalog.nobody_listens', { n: 1 }, { tx }),
    );
    await outboxRelayFor({ db, driver: testDriver.driver, log, metrics }).drain();
    const { rows } = await db.query<{ sent: boolean; attempts: number; last_error: string }>(
      `select sent_at is not null as sent, attempts, last_error from outbox where message_id = $1`,
      [messageId],
    );
    expect(rows).toEqual([
      { sent: false, attempts: 1, last_error: expect.stringMatching(/nobody_listens|route/i) },
    ]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'outbox: publish failed; kept for a retry',
        kind: 'catalog.nobody_listens',
      }),
    );
    const failures = await metrics.outboxPublishFailures.get();
    expect(failures.values).toContainEqual(
      expect.objectContaining({ labels: { kind: 'catalog.nobody_listens' }, value: 1 }),
    );
  });
});

describe.each(stacks)('Catalog with the broker down on $name', (stack) => {
  let testDb: TestDb;
  let testDriver: TestDriver;
  let stop: () => Promise<void>;
  let api: AdminRunner['api'];
  let faulty: ReturnType<typeof faultyDriver>;

  beforeAll(async () => {
    testDb = await createTestDb(stack.db);
    testDriver = await createTestDriver(stack.queue);
    faulty = faultyDriver(testDriver.driver);
    const started = await startAdminRunner({
      db: testDb.db,
      driver: faulty.driver,
      config: loadConfig(testDriver.env),
      manifest,
    });
    api = started.api;
    stop = () => started.runner.stop();
  }, 60_000);
  afterAll(async () => {
    await stop?.();
    await testDriver?.cleanup(topologyOf(manifest).queues.map((queue) => queue.name));
    await testDb?.drop();
  });

  it('takes admin writes while the broker is down, and sends their events once it is back', async () => {
    faulty.faults.down = true;
    const created = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        api('/catalog-admin/api/products', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Offline ${n}`, image: `https://example.com/${n}.png` }),
        }),
      ),
    );
    expect(created.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    const backlog = (await (await api('/queues')).json()) as { outbox: { pending: number } };
    expect(backlog.outbox.pending).toBe(5);
    // Both pages say so rather than showing stale data as current.
    const adminPage = await (await api('/catalog-admin/', { headers: { accept: 'text/html' } })).text();
    expect(adminPage).toContain('5 changes not yet sent to the gallery');
    expect(((await (await api('/catalog/api/products')).json()) as { total: number }).total).toBe(0);

    faulty.faults.down = false;
    await waitFor(
      async () => ((await (await api('/catalog/api/products')).json()) as { total: number }).total === 5,
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        message: 'the five products in the gallery',
      },
    );
    const after = (await (await api('/queues')).json()) as { outbox: { pending: number } };
    expect(after.outbox.pending).toBe(0);
    expect(await (await api('/catalog-admin/', { headers: { accept: 'text/html' } })).text()).toContain(
      'Every change has been sent to the gallery.',
    );
  }, 60_000);
});

describe('Catalog events delivered twice and shuffled', () => {
  const test = useTestDb('pglite');

  it('end in the state of in-order delivery; likes equal the distinct like ids', async () => {
    const { db } = test;
    // Events as the services write them (into the outbox), nothing sent: the test delivers them.
    const queue = createPublisher({} as QueueDriver, createMetrics());
    const ctx = { db, queue };
    const ids: number[] = [];
    for (let n = 0; n < 30; n++) {
      ids.push((await createProduct(ctx, { title: `p${n}`, image: `https://example.com/${n}.png` })).id);
    }
    for (let round = 0; round < 3; round++) {
      for (const id of ids) {
        if ((id + round) % 4 === 0)
          await updateProduct(ctx, id, {
            title: `p${id} r${round}`,
            image: `https://example.com/${id}-${round}.png`,
          });
      }
    }
    for (const id of ids.filter((id) => id % 5 === 0)) await deleteProduct(ctx, id);
    // Likes, as the gallery would send them: one event per like id, some products liked often.
    const likes = Array.from({ length: 60 }, (_, n) => ({
      eventId: crypto.randomUUID(),
      likeId: crypto.randomUUID(),
      productId: ids[n % 7]!,
      occurredAt: new Date().toISOString(),
    }));
    const events = (
      await db.query<{ envelope: Envelope }>(
        `select envelope from outbox where kind like 'catalog.product_%' order by id`,
      )
    ).rows.map((row) => productEventSchema.parse(row.envelope.payload));

    const replica = async () =>
      (await db.query(`select id, title, image, version, deleted from catalog.products order by id`)).rows;
    for (const event of events) await db.transaction((tx) => applyProductEvent(tx, event));
    const inOrder = await replica();
    expect(inOrder.filter((row) => !(row as { deleted: boolean }).deleted)).toHaveLength(24);

    await db.query(`truncate catalog.products`);
    const twiceShuffled = shuffle([...events, ...events]);
    for (const event of twiceShuffled) await db.transaction((tx) => applyProductEvent(tx, event));
    expect(await replica()).toEqual(inOrder);

    const deliveries = shuffle([...likes, ...likes]).map((like) => productLikedSchema.parse(like));
    let counted = 0;
    for (const like of deliveries) if (await db.transaction((tx) => countLike(tx, like))) counted++;
    const distinctOnLiveProducts = likes.filter((like) => like.productId % 5 !== 0).length;
    expect(counted).toBe(distinctOnLiveProducts);
    const { rows } = await db.query<{ likes: number }>(
      `select coalesce(sum(likes), 0)::int as likes from catalog_admin.products`,
    );
    expect(rows[0]!.likes).toBe(distinctOnLiveProducts);
    // Every like id is remembered, even on a deleted product: a late copy of it counts nothing.
    expect((await db.query(`select 1 from catalog_admin.counted_likes`)).rowCount).toBe(likes.length);
  });
});

/** A seeded Fisher–Yates shuffle: the same order on every run, so a failure can be replayed. */
function shuffle<T>(items: T[], seed = 42): T[] {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

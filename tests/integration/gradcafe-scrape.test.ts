import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUNDLED_FIRST_ID, entryFor } from '../../functions/gradcafe/lib/entry-generator.ts';
import { advanceWatermark, readWatermark } from '../../functions/gradcafe/lib/watermark.ts';
import scrapeTask from '../../functions/gradcafe/scrape-new-data.ts';
import { loadConfig } from '../../shared/config.ts';
import type { TaskCtx } from '../../shared/contract/index.ts';
import type { Db, Tx } from '../../shared/db/port.ts';
import { UpstreamError } from '../../shared/errors.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { createFakeCtx, type FakePublisher, fakeTaskAuth } from '../helpers/fake-ctx.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const FEED_URL = 'http://feed.test/gradcafe/entries';
const config = loadConfig({ GRADCAFE_SOURCE_URL: FEED_URL });
const log = pino({ level: 'silent' });
const metrics = createMetrics();

/** What the last run's tasks published (a pull that stored entries queues the analysis). */
let published: FakePublisher['published'] = [];

function taskCtx(tx: Tx): TaskCtx {
  const { queue, jobs, cache } = createFakeCtx();
  published = queue.published;
  const message = {
    id: crypto.randomUUID(),
    kind: 'scrape_new_data',
    attempt: 1,
    maxAttempts: 5,
    correlationId: 'test',
  };
  return { db: tx, queue, jobs, log, config, metrics, cache, message, auth: fakeTaskAuth };
}

/**
 * A fake GradCafe feed over `entries` (sorted by id), paging at most `pageSize` per answer
 * whatever the caller asks, so a run crosses several pages. `failOnCall` makes that call
 * (1-based) answer 503.
 */
function fakeFeed(entries: { id: number; entry: unknown }[], pageSize = 10) {
  const feed = { entries, failOnCall: 0, calls: [] as number[] };
  const fetch = vi.fn(async (input: string | URL | Request) => {
    const url = new URL(String(input));
    const after = Number(url.searchParams.get('after'));
    feed.calls.push(after);
    if (feed.calls.length === feed.failOnCall) return new Response('upstream down', { status: 503 });
    const limit = Math.min(pageSize, Number(url.searchParams.get('limit')));
    const newer = feed.entries.filter((e) => e.id > after);
    const page = newer.slice(0, limit);
    const nextAfter = newer.length > limit ? page.at(-1)!.id : null;
    return Response.json({ entries: page.map((e) => e.entry), nextAfter });
  });
  vi.stubGlobal('fetch', fetch);
  return feed;
}

const generated = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: from + i,
    entry: { ...entryFor(from + i), url: entryUrl(from + i) },
  }));
const entryUrl = (id: number) => `https://www.thegradcafe.com/survey/result/${id}`;

describe.each(dbBackends)('scrape_new_data on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
  }, 60_000);
  afterAll(async () => {
    await drop?.();
  });
  beforeEach(async () => {
    await db.query('truncate gradcafe.applicants, gradcafe.ingestion_watermarks');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const run = (payload: unknown = {}) =>
    db.transaction((tx) => scrapeTask.handler(scrapeTask.payload.parse(payload), taskCtx(tx)));
  const count = async () =>
    (await db.query<{ n: number }>('select count(*)::int as n from gradcafe.applicants')).rows[0]!.n;

  it('stores new entries across pages, skips unusable ones and moves the watermark', async () => {
    const entries = generated(BUNDLED_FIRST_ID, 25);
    entries[7] = { id: BUNDLED_FIRST_ID + 7, entry: { ...entryFor(BUNDLED_FIRST_ID + 7), url: 'not a url' } };
    const feed = fakeFeed(entries);

    const result = await run();

    expect(result).toEqual({
      fetched: 25,
      inserted: 24,
      skipped: 1,
      watermark: BUNDLED_FIRST_ID + 24,
      capped: false,
      analysisJobId: expect.any(String),
    });
    // New entries queue the standard analysis, under the pull's correlation id.
    expect(published).toEqual([
      {
        kind: 'recompute_analytics',
        payload: {},
        correlationId: 'test',
        jobId: result.analysisJobId,
        messageId: expect.any(String),
      },
    ]);
    expect(feed.calls).toEqual([0, BUNDLED_FIRST_ID + 9, BUNDLED_FIRST_ID + 19]);
    expect(await count()).toBe(24);
    expect(await readWatermark(db)).toBe(BUNDLED_FIRST_ID + 24);
    const { rows } = await db.query<{ id: number; url: string }>(
      'select id::int as id, url from gradcafe.applicants order by id limit 1',
    );
    expect(rows[0]).toEqual({ id: BUNDLED_FIRST_ID, url: entryUrl(BUNDLED_FIRST_ID) });
  });

  it('adds nothing twice: a second run fetches after the watermark, a full re-read inserts nothing', async () => {
    const feed = fakeFeed(generated(BUNDLED_FIRST_ID, 12));
    await run();
    feed.calls.length = 0;

    expect(await run()).toEqual({
      fetched: 0,
      inserted: 0,
      skipped: 0,
      watermark: BUNDLED_FIRST_ID + 11,
      capped: false,
    });
    expect(published).toEqual([]); // nothing new, no analysis
    expect(feed.calls).toEqual([BUNDLED_FIRST_ID + 11]);

    expect(await run({ since: 0 })).toMatchObject({
      fetched: 12,
      inserted: 0,
      watermark: BUNDLED_FIRST_ID + 11,
    });
    expect(await count()).toBe(12);
  });

  it('picks up entries released after the last run', async () => {
    const feed = fakeFeed(generated(BUNDLED_FIRST_ID, 5));
    await run();
    feed.entries = generated(BUNDLED_FIRST_ID, 9);
    expect(await run()).toMatchObject({ fetched: 4, inserted: 4, watermark: BUNDLED_FIRST_ID + 8 });
    expect(await count()).toBe(9);
  });

  it('reads from `since` instead of the watermark, and never moves the watermark back', async () => {
    await db.transaction((tx) => advanceWatermark(tx, BUNDLED_FIRST_ID + 30));
    const feed = fakeFeed(generated(BUNDLED_FIRST_ID, 40));

    const result = await run({ since: BUNDLED_FIRST_ID + 19 });

    expect(feed.calls[0]).toBe(BUNDLED_FIRST_ID + 19);
    expect(result).toMatchObject({ fetched: 20, inserted: 20, watermark: BUNDLED_FIRST_ID + 39 });

    fakeFeed(generated(BUNDLED_FIRST_ID, 40));
    expect(await run({ since: BUNDLED_FIRST_ID })).toMatchObject({
      inserted: 19,
      watermark: BUNDLED_FIRST_ID + 39,
    });
    expect(await readWatermark(db)).toBe(BUNDLED_FIRST_ID + 39);
  });

  it('rolls back everything when the feed fails mid-pagination', async () => {
    const feed = fakeFeed(generated(BUNDLED_FIRST_ID, 5));
    await run();
    feed.entries = generated(BUNDLED_FIRST_ID, 60);
    feed.failOnCall = feed.calls.length + 3; // the third page of the next run

    const failure = await run().catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).code).toBe('UPSTREAM_ERROR');
    expect(await count()).toBe(5);
    expect(await readWatermark(db)).toBe(BUNDLED_FIRST_ID + 4);
  });

  it('rolls back the rows already inserted when a later step of the transaction fails', async () => {
    fakeFeed(generated(BUNDLED_FIRST_ID, 8));
    const failure = await db
      .transaction(async (tx) => {
        await scrapeTask.handler({}, taskCtx(tx));
        throw new Error('the commit step failed');
      })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(await count()).toBe(0);
    expect(await readWatermark(db)).toBeNull();
  });

  it('is declared as the seed worker was: one at a time, retried with backoff, then dead-lettered', () => {
    expect(scrapeTask.consumes).toEqual(['scrape_new_data']);
    expect(scrapeTask.concurrency).toBe(1);
    expect(scrapeTask.retry.attempts).toBeGreaterThan(1);
    expect(scrapeTask.payload.safeParse({ since: -1 }).success).toBe(false);
  });
});

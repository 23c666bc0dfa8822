import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import feedEntries from '../../functions/gradcafe/feed-entries.ts';
import feedRelease from '../../functions/gradcafe/feed-release.ts';
import { BUNDLED_LAST_ID } from '../../functions/gradcafe/lib/entry-generator.ts';
import { releasedCount, releaseMore } from '../../functions/gradcafe/lib/feed-emulator.ts';
import { seed } from '../../functions/gradcafe/lib/seed.ts';
import { readWatermark } from '../../functions/gradcafe/lib/watermark.ts';
import scrapeTask from '../../functions/gradcafe/scrape-new-data.ts';
import { loadConfig } from '../../shared/config.ts';
import type { TaskCtx } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { buildManifest } from '../../shared/runtime/manifest.ts';
import { createFakeAuth, createFakeCtx, FAKE_USERS, fakeBearer, fakeTaskAuth } from '../helpers/fake-ctx.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const log = pino({ level: 'silent' });

describe.each(dbBackends)('feed emulator on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let server: ServerType;
  let baseUrl: string;

  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    const fakes = createFakeCtx();
    // Released only on demand, so the test decides what is new.
    const config = loadConfig({ GRADCAFE_EMULATOR_RELEASE_S: '0' });
    const app = createHttpApp({
      manifest: buildManifest([
        { file: 'functions/gradcafe/feed-entries.ts', module: { default: feedEntries } },
        { file: 'functions/gradcafe/feed-release.ts', module: { default: feedRelease } },
      ]),
      makeCtx: ({ correlationId }) => ({ ...fakes.makeCtx({ correlationId, log }), db, config }),
      log,
      metrics: fakes.metrics,
      auth: createFakeAuth(),
    });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await drop?.();
  });
  beforeEach(async () => {
    await db.query('truncate gradcafe.feed_emulator');
  });

  it('counts on-demand releases and keeps them across restarts (state is in the database)', async () => {
    expect(await releasedCount(db, 0)).toBe(0);
    expect(await releaseMore(db, 5, 0)).toBe(5);
    expect(await releaseMore(db, 2, 0)).toBe(7);
    expect(await releasedCount(db, 0)).toBe(7);
  });

  it('releases one entry per GRADCAFE_EMULATOR_RELEASE_S since it started', async () => {
    await releaseMore(db, 3, 30);
    await db.query("update gradcafe.feed_emulator set started_at = now() - interval '95 seconds'");
    expect(await releasedCount(db, 30)).toBe(6); // 3 on demand + floor(95 / 30)
    expect(await releasedCount(db, 0)).toBe(3);
  });

  it('serves pages over HTTP and validates its query', async () => {
    // Releasing over HTTP needs an admin (tests/integration/access-http.test.ts).
    expect(await releaseMore(db, 3, 0)).toBe(3);

    const res = await fetch(`${baseUrl}/gradcafe/feed/entries?after=${BUNDLED_LAST_ID}&limit=2`);
    const page = (await res.json()) as { entries: { url: string }[]; nextAfter: number | null };
    expect(page.entries.map((e) => e.url.split('/').at(-1))).toEqual([
      String(BUNDLED_LAST_ID + 1),
      String(BUNDLED_LAST_ID + 2),
    ]);
    expect(page.nextAfter).toBe(BUNDLED_LAST_ID + 2);

    for (const query of ['limit=0', 'limit=501', 'after=-1', "after=1'--"]) {
      expect((await fetch(`${baseUrl}/gradcafe/feed/entries?${query}`)).status).toBe(400);
    }
    const tooMany = await fetch(`${baseUrl}/gradcafe/feed/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...fakeBearer(FAKE_USERS.admin) },
      body: JSON.stringify({ count: 100_000 }),
    });
    expect(tooMany.status).toBe(400);
  });

  /** Run the scrape task as the worker would, with `env` as its configuration. */
  const pull = (env: Record<string, string>) =>
    db.transaction((tx) => {
      const { queue, jobs, metrics, cache } = createFakeCtx();
      const message = {
        id: crypto.randomUUID(),
        kind: 'scrape_new_data',
        attempt: 1,
        maxAttempts: 5,
        correlationId: 't',
      };
      const ctx: TaskCtx = {
        db: tx,
        queue,
        jobs,
        log,
        config: loadConfig(env),
        metrics,
        cache,
        message,
        auth: fakeTaskAuth,
      };
      return scrapeTask.handler({}, ctx);
    });

  async function expectPullsFindReleasedEntries(env: Record<string, string>) {
    await db.query(
      'truncate gradcafe.applicants, gradcafe.ingestion_watermarks, gradcafe.analysis_snapshots',
    );
    await seed(db, log);
    expect(await pull(env)).toMatchObject({ fetched: 0, inserted: 0 });
    await releaseMore(db, 30, 0);
    expect(await pull(env)).toMatchObject({
      fetched: 30,
      inserted: 30,
      skipped: 0,
      watermark: BUNDLED_LAST_ID + 30,
    });
    expect(await pull(env)).toMatchObject({ fetched: 0, inserted: 0, watermark: BUNDLED_LAST_ID + 30 });
    expect(await readWatermark(db)).toBe(BUNDLED_LAST_ID + 30);
  }

  it('lets "pull data" (no GRADCAFE_SOURCE_URL) find exactly the newly released entries after the seed', async () => {
    await expectPullsFindReleasedEntries({ GRADCAFE_EMULATOR_RELEASE_S: '0' });
  });

  // Over HTTP the task's open transaction and the emulator route need two connections at once,
  // which only a real server has: on PGlite this is the deadlock the in-process source avoids.
  if (backend === 'postgres') {
    it('serves the same entries to the scrape task over HTTP when GRADCAFE_SOURCE_URL names it', async () => {
      await expectPullsFindReleasedEntries({ GRADCAFE_SOURCE_URL: `${baseUrl}/gradcafe/feed/entries` });
    });
  }
});

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundledEntries } from '../../functions/gradcafe/lib/bundled-data.ts';
import { normalizeEntries } from '../../functions/gradcafe/lib/normalize.ts';
import { seed } from '../../functions/gradcafe/lib/seed.ts';
import { readWatermark } from '../../functions/gradcafe/lib/watermark.ts';
import type { Db } from '../../shared/db/port.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const log = pino({ level: 'silent' });

describe.each(dbBackends)('seed on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let expected: { count: number; maxId: number };

  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    const { applicants } = normalizeEntries(await readBundledEntries());
    expected = { count: applicants.length, maxId: Math.max(...applicants.map((a) => a.id)) };
  }, 60_000);
  afterAll(async () => {
    await drop?.();
  });

  const counts = async () =>
    (
      await db.query<{ applicants: number; snapshots: number; emulators: number }>(
        `select (select count(*)::int from gradcafe.applicants) as applicants,
                (select count(*)::int from gradcafe.analysis_snapshots) as snapshots,
                (select count(*)::int from gradcafe.feed_emulator) as emulators`,
      )
    ).rows[0]!;

  it('loads the bundled dataset, sets the watermark and computes a first analysis', async () => {
    const { inserted } = await seed(db, log);

    expect(inserted).toBe(expected.count);
    expect(expected.count).toBeGreaterThan(5_900);
    expect(await counts()).toEqual({ applicants: expected.count, snapshots: 1, emulators: 1 });
    expect(await readWatermark(db)).toBe(expected.maxId);
    const { rows } = await db.query<{ results: { totalEntries: number }; term: string }>(
      "select results, params->>'term' as term from gradcafe.analysis_snapshots",
    );
    expect(rows[0]?.results.totalEntries).toBe(expected.count);
    expect(rows[0]?.term).toBe('Fall 2026');
  });

  it('is a no-op the second time, even when two starts race', async () => {
    const [a, b] = await Promise.all([seed(db, log), seed(db, log)]);
    expect(a.inserted + b.inserted).toBe(0);
    expect(await counts()).toEqual({ applicants: expected.count, snapshots: 1, emulators: 1 });
  });

  it('loads once when two first starts race on an empty database', async () => {
    await db.query(
      'truncate gradcafe.applicants, gradcafe.analysis_snapshots, gradcafe.ingestion_watermarks',
    );
    const [a, b] = await Promise.all([seed(db, log), seed(db, log)]);
    expect(a.inserted + b.inserted).toBe(expected.count);
    expect(await counts()).toEqual({ applicants: expected.count, snapshots: 1, emulators: 1 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStatus } from '../../shared/contract/index.ts';
import { searchJobs } from '../../shared/runtime/jobs.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';

/** jobs.search, the console's job finder, on both databases: every filter, alone and combined. */
interface Row {
  kind: string;
  status: JobStatus;
  payload: unknown;
  error?: string;
  correlationId?: string;
  createdAt: string;
}

const ROWS: Row[] = [
  {
    kind: 'imports.import_file',
    status: 'failed',
    payload: { file: 'items-2026-12-01.csv' },
    error: 'row 7: bad sku',
    createdAt: '2026-12-01T10:00:00Z',
  },
  {
    kind: 'imports.import_file',
    status: 'succeeded',
    payload: { file: 'items-2026-12-02.csv' },
    createdAt: '2026-12-02T10:00:00Z',
  },
  {
    kind: 'people.sync_users',
    status: 'dead',
    payload: {},
    error: 'provider answered 503 five times',
    createdAt: '2026-12-03T10:00:00Z',
  },
  {
    kind: 'people.sync_users',
    status: 'queued',
    payload: { note: '100% done_ish' },
    correlationId: 'req-42',
    createdAt: '2026-12-04T10:00:00Z',
  },
  {
    kind: 'notes_task_report',
    status: 'succeeded',
    payload: { ownerId: 'o-1' },
    correlationId: 'req-42',
    createdAt: '2026-12-05T10:00:00Z',
  },
];

describe.each(dbBackends)('jobs.search on %s', (backend) => {
  let testDb: TestDb;
  const ids: string[] = [];
  beforeAll(async () => {
    testDb = await createTestDb(backend);
    for (const row of ROWS) {
      const id = crypto.randomUUID();
      ids.push(id);
      await testDb.db.query(
        `insert into jobs (id, kind, status, payload, error, correlation_id, created_at) values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          row.kind,
          row.status,
          JSON.stringify(row.payload),
          row.error ?? null,
          row.correlationId ?? id,
          row.createdAt,
        ],
      );
    }
  });
  afterAll(() => testDb?.drop());

  const search = async (
    filter: Omit<Parameters<typeof searchJobs>[1], 'limit' | 'offset'>,
    page = { limit: 20, offset: 0 },
  ) => {
    const found = await searchJobs(testDb.db, { ...filter, ...page });
    return { ...found, indexes: found.items.map((job) => ids.indexOf(job.id)) };
  };

  it('lists every job newest first without a filter, a page at a time', async () => {
    expect((await search({})).indexes).toEqual([4, 3, 2, 1, 0]);
    const second = await search({}, { limit: 2, offset: 2 });
    expect(second).toMatchObject({ total: 5, limit: 2, offset: 2, indexes: [2, 1] });
  });

  it('filters by kind, by one state or several, by correlation id and by time', async () => {
    expect((await search({ kind: 'people.sync_users' })).indexes).toEqual([3, 2]);
    expect((await search({ states: ['failed', 'dead'] })).indexes).toEqual([2, 0]);
    expect((await search({ correlationId: 'req-42' })).indexes).toEqual([4, 3]);
    expect((await search({ since: '2026-12-02T10:00:00Z', until: '2026-12-04T10:00:00Z' })).indexes).toEqual([
      2, 1,
    ]);
    expect((await search({ kind: 'imports.import_file', states: ['failed'] })).total).toBe(1);
  });

  it('finds text in the payload or the error, case-insensitively, with % and _ taken literally', async () => {
    expect((await search({ q: 'items-2026-12-0' })).indexes).toEqual([1, 0]);
    expect((await search({ q: 'BAD SKU' })).indexes).toEqual([0]);
    expect((await search({ q: '503 five' })).indexes).toEqual([2]);
    expect((await search({ q: '100%' })).indexes).toEqual([3]);
    expect((await search({ q: 'done_ish' })).indexes).toEqual([3]);
    expect((await search({ q: '%' })).indexes).toEqual([3]);
    expect((await search({ q: 'nothing like it' })).total).toBe(0);
    expect((await search({ q: ids[4]! })).indexes).toEqual([4]);
  });
});

describe('the jobs search indexes on postgres', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb('postgres');
  });
  afterAll(() => testDb?.drop());

  it('answer a text search from the trigram index, not a scan of the table', async () => {
    // The planner would scan a near-empty table anyway; forbidding that shows the index matches
    // the searched expression exactly (an index on a different expression could not be used).
    const plan = await testDb.db.transaction(async (tx) => {
      await tx.query(`set local enable_seqscan = off`);
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
        `explain select id from jobs where (payload::text || ' ' || coalesce(error, '')) ilike '%bad sku%'`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('jobs_text_trgm_idx');
  });
});

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import apiApplicants from '../../functions/gradcafe/api-applicants.ts';
import { listApplicants, type ApplicantsQuery } from '../../functions/gradcafe/lib/applicants-query.ts';
import { insertApplicants } from '../../functions/gradcafe/lib/applicants-store.ts';
import { BUNDLED_FIRST_ID, entryFor } from '../../functions/gradcafe/lib/entry-generator.ts';
import type { Applicant } from '../../functions/gradcafe/lib/model.ts';
import { normalizeEntries } from '../../functions/gradcafe/lib/normalize.ts';
import type { HttpCtx } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createFakeCtx, fakeRequest } from '../helpers/fake-ctx.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const log = pino({ level: 'silent' });

/** Call the route's handler as the platform would: query validated by its schema first. */
async function get(db: Db, rawQuery: Record<string, string>) {
  const ctx: HttpCtx = { ...createFakeCtx().makeCtx({ correlationId: 'test', log }), db };
  const query = apiApplicants.query!.parse(rawQuery) as Parameters<typeof apiApplicants.handler>[0]['query'];
  const res = await apiApplicants.handler(
    fakeRequest({
      query,
      url: `http://test/gradcafe/api/applicants?${new URLSearchParams(rawQuery)}`,
      correlationId: 'test',
    }),
    ctx,
  );
  return {
    status: res.status,
    body: (await res.json()) as {
      items: Applicant[];
      total: number;
      limit: number;
      offset: number;
    },
  };
}

describe.each(dbBackends)('GET /gradcafe/api/applicants on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let stored: Applicant[];

  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    const ids = Array.from({ length: 300 }, (_, i) => BUNDLED_FIRST_ID + 4_000 + i);
    stored = normalizeEntries(ids.map(entryFor)).applicants;
    await db.transaction((tx) => insertApplicants(tx, stored));
  }, 60_000);
  afterAll(async () => {
    await drop?.();
  });

  const newestFirst = (list: Applicant[]) => [...list].sort((a, b) => b.id - a.id);

  it('lists the newest 20 by default, with totals', async () => {
    const { status, body } = await get(db, {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: stored.length, limit: 20, offset: 0 });
    expect(body.items).toEqual(newestFirst(stored).slice(0, 20));
  });

  it('returns the stored values with their types (dates as YYYY-MM-DD, numbers as numbers)', async () => {
    const { body } = await get(db, { limit: '100' });
    const withAll = body.items.find((a) => a.gpa !== null && a.greAw !== null && a.decisionDate !== null);
    expect(withAll).toBeDefined();
    expect(withAll).toEqual(stored.find((a) => a.id === withAll!.id));
    expect(typeof withAll!.gpa).toBe('number');
    expect(withAll!.decisionDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('pages through everything without gaps or repeats', async () => {
    const seen: number[] = [];
    for (let offset = 0; ; offset += 100) {
      const { body } = await get(db, { offset: String(offset), limit: '100' });
      seen.push(...body.items.map((a) => a.id));
      if (offset + 100 >= body.total) break;
    }
    expect(seen).toEqual(newestFirst(stored).map((a) => a.id));
  });

  it('filters by term, status and degree together', async () => {
    const term = stored.find((a) => a.term !== null)!.term!;
    const expected = newestFirst(stored).filter(
      (a) => a.term === term && a.status === 'Accepted' && a.degree === 'PhD',
    );
    expect(expected.length).toBeGreaterThan(0);
    const { body } = await get(db, { term, status: 'Accepted', degree: 'PhD', limit: '100' });
    expect(body.total).toBe(expected.length);
    expect(body.items.map((a) => a.id)).toEqual(expected.map((a) => a.id));
  });

  it('answers the first page of an empty result with an empty list', async () => {
    const { body } = await get(db, { term: 'Spring 1999' });
    expect(body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
  });

  it('answers an offset past the end with no items and the real total', async () => {
    const { body } = await get(db, { offset: String(stored.length + 10), limit: '50' });
    expect(body).toEqual({ items: [], total: stored.length, limit: 50, offset: stored.length + 10 });
  });

  it('keeps hostile filter values as data even past the schema (parameterized SQL)', async () => {
    const hostile = { limit: 20, offset: 0, term: "x' or '1'='1", status: undefined, degree: undefined };
    const page = await listApplicants(db, hostile as unknown as ApplicantsQuery);
    expect(page.total).toBe(0);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from gradcafe.applicants');
    expect(rows[0]?.n).toBe(stored.length);
  });
});

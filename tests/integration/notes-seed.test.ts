import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../functions/notes/lib/seed.ts';
import type { Db } from '../../shared/db/port.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';
import { insertUser, silentLog } from '../helpers/notes.ts';

/** The Notes seed: demo tasks for the first admin, once per database, whatever happens after. */
describe.each(dbBackends)('Notes seed on %s', (backend) => {
  let testDb: TestDb;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDb(backend);
    db = testDb.db;
  }, 60_000);
  afterAll(() => testDb?.drop());

  const tasksOf = async (ownerId: string) =>
    (
      await db.query<{ n: number }>('select count(*)::int as n from notes.tasks where owner_id = $1', [
        ownerId,
      ])
    ).rows[0]!.n;

  it('seeds nothing before an admin exists', async () => {
    await insertUser(db, { email: 'plain@example.com' });
    expect(await seed(db, silentLog)).toEqual({ seeded: 0 });
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from notes.tasks');
    expect(rows[0]!.n).toBe(0);
  });

  it('seeds the first admin once, and never again even after the demo tasks are deleted', async () => {
    const first = await insertUser(db, { email: 'first-admin@example.com', role: 'admin' });
    expect(await seed(db, silentLog)).toEqual({ seeded: 5 });
    expect(await tasksOf(first.id)).toBe(5);
    const { rows } = await db.query<{ statuses: string[] }>(
      'select array_agg(distinct status order by status) as statuses from notes.tasks where owner_id = $1',
      [first.id],
    );
    expect(rows[0]!.statuses).toEqual(['done', 'in_progress', 'todo']);

    expect(await seed(db, silentLog)).toEqual({ seeded: 0 });
    await db.query('delete from notes.tasks where owner_id = $1', [first.id]);
    const second = await insertUser(db, { email: 'second-admin@example.com', role: 'admin' });
    expect(await seed(db, silentLog)).toEqual({ seeded: 0 });
    expect(await tasksOf(first.id)).toBe(0);
    expect(await tasksOf(second.id)).toBe(0);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { seed } from '../../functions/people/lib/seed.ts';
import { loadConfig } from '../../shared/config.ts';
import type { Db } from '../../shared/db/port.ts';
import { useTestDb } from '../helpers/db.ts';
import { testLog } from '../helpers/platform.ts';

describe('the People demo seed', () => {
  const test = useTestDb('pglite');
  let db: Db;
  beforeEach(() => {
    db = test.db;
  });

  const count = async (table: string) =>
    Number((await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n);

  it('syncs the emulator once with a first batch of each enrichment, and does nothing the second time', async () => {
    expect(await seed(db, testLog, loadConfig({}))).toEqual({ synced: 300 });
    expect([
      await count('people.users'),
      await count('people.addresses'),
      await count('people.cards'),
    ]).toEqual([300, 20, 20]);
    expect(await seed(db, testLog, loadConfig({}))).toEqual({ synced: 0 });
    expect(await count('people.sync_runs')).toBe(3);
  });

  it('never calls a real provider at start', async () => {
    await db.query('truncate people.users, people.sync_runs cascade');
    const config = loadConfig({ PEOPLE_USERS_API_URL: 'http://127.0.0.1:9/never' });
    expect(await seed(db, testLog, config)).toEqual({ synced: 0 });
    expect(await count('people.sync_runs')).toBe(0);
  });
});

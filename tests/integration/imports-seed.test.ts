import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../functions/imports/lib/seed.ts';
import { loadConfig } from '../../shared/config.ts';
import { listImports } from '../../functions/imports/lib/imports-store.ts';
import type { Db } from '../../shared/db/port.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { testLog } from '../helpers/platform.ts';

describe('the Imports demo seed', () => {
  let testDb: TestDb;
  let db: Db;
  let dataDir: string;
  beforeAll(async () => {
    testDb = await createTestDb('pglite');
    db = testDb.db;
    dataDir = await mkdtemp(path.join(tmpdir(), 'imports-seed-'));
  }, 60_000);
  afterAll(async () => {
    await testDb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports the sample once, leaves a file in the inbox, and does nothing the second time', async () => {
    expect(await seed(db, testLog, loadConfig({ DATA_DIR: dataDir }))).toEqual({ imported: 3000 });
    const history = await listImports(db, { limit: 10, offset: 0 });
    expect(history.items).toEqual([
      expect.objectContaining({
        fileName: 'sample-items.csv',
        status: 'loaded',
        rowsTotal: 3000,
        rowsFailed: 117,
      }),
    ]);
    expect(await readdir(path.join(dataDir, 'imports', 'inbox'))).toEqual(['supplier-2026-12-05.csv']);
    expect(await seed(db, testLog, loadConfig({ DATA_DIR: dataDir }))).toEqual({ imported: 0 });
    expect((await listImports(db, { limit: 10, offset: 0 })).total).toBe(1);
  });
});

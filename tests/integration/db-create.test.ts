import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../shared/db/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

describe('createDb', () => {
  let testDb: TestDb;
  let dataDir: string;

  beforeAll(async () => {
    testDb = await createTestDb('postgres', { migrations: [] });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'create-db-'));
  }, 60_000);

  afterAll(async () => {
    await testDb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses Postgres when DATABASE_URL is set', async () => {
    const db = await createDb({ DATABASE_URL: testDb.url, DATA_DIR: dataDir });
    try {
      expect(db.kind).toBe('postgres');
      const { rows } = await db.query<{ name: string }>('select current_database() as name');
      expect(testDb.url).toContain(rows[0]!.name);
    } finally {
      await db.close();
    }
  });

  it('uses the embedded database in DATA_DIR/pg otherwise', async () => {
    const db = await createDb({ DATABASE_URL: undefined, DATA_DIR: dataDir });
    try {
      expect(db.kind).toBe('pglite');
      await db.ping();
      expect((await stat(path.join(dataDir, 'pg', 'PG_VERSION'))).isFile()).toBe(true);
    } finally {
      await db.close();
    }
  }, 60_000);
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from '../../shared/db/pglite.ts';
import { DbError, type Db } from '../../shared/db/port.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

describe('PGlite on disk', () => {
  let root: string;
  // One folder for all tests: only the first open pays for initdb (~2.5 s), reopening is fast.
  let dir: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pglite-disk-'));
    dir = path.join(root, 'nested', 'pg');
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('creates a missing data folder and keeps data across close and reopen', async () => {
    const first = await createPgliteDb(dir);
    await first.query('create table kept (v text)');
    await first.query('insert into kept values ($1)', ['survives']);
    await first.close();

    const second = await createPgliteDb(dir);
    try {
      expect((await second.query('select v from kept')).rows).toEqual([{ v: 'survives' }]);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('refuses a second open of a folder that is in use, and allows it once closed', async () => {
    const owner = await createPgliteDb(dir);
    try {
      const second = createPgliteDb(dir);
      await expect(second).rejects.toThrow(DbError);
      await expect(second).rejects.toThrow(/already open by this process/);
    } finally {
      await owner.close();
    }
    const reopened = await createPgliteDb(dir);
    await reopened.close();
  }, 60_000);

  it('takes over a lock left by a process that died', async () => {
    // Far above Linux's pid_max, so no live process has it.
    await writeFile(`${dir}.lock`, '2147483646');
    const db = await createPgliteDb(dir);
    await db.close();
  }, 60_000);
});

describe('PGlite calls that would deadlock', () => {
  let testDb: TestDb;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDb('pglite');
    db = testDb.db;
  }, 60_000);

  afterAll(() => testDb?.drop());

  it('fails fast when db is used instead of tx inside a transaction', async () => {
    const outcome = db.transaction(async () => {
      await db.query('select 1');
    });
    await expect(outcome).rejects.toThrow(DbError);
    await expect(outcome).rejects.toThrow(/use the transaction's tx/);
    await expect(db.transaction(() => db.transaction(async () => 1))).rejects.toThrow(/inside a transaction/);
  });

  it('lets work started in a transaction use db once the transaction has ended', async () => {
    let later: Promise<unknown> | undefined;
    await db.transaction(async () => {
      later = new Promise((resolve) => setImmediate(resolve)).then(() => db.query('select 1 as one'));
    });
    await expect(later).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });
});

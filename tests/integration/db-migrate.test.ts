import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrate, migrationChecksum, MigrationError, type Migration } from '../../shared/db/migrate.ts';
import { createPgDb } from '../../shared/db/pg.ts';
import type { Db } from '../../shared/db/port.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';

const createTable: Migration = { name: '0001_create.sql', sql: 'create table log (entry text not null);' };
const insertRow: Migration = {
  name: '0002_insert.sql',
  sql: "insert into log values ('second');\ninsert into log values ('second again');",
};

describe.each(dbBackends)('migrate on %s', (backend) => {
  let testDb: TestDb;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDb(backend, { migrations: [] });
    db = testDb.db;
  }, 60_000);

  afterAll(() => testDb?.drop());

  // A fresh database per test would cost ~1 s on PGlite; an empty public schema is as good.
  beforeEach(async () => {
    await db.query('drop schema public cascade; create schema public;');
  });

  const tables = async (): Promise<string[]> =>
    (
      await db.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
      )
    ).rows.map((r) => r.name);

  it('applies in name order, each recorded with its checksum, and logs what ran', async () => {
    const log = { info: vi.fn(), warn: vi.fn() };
    // Given out of order on purpose: 0002 needs the table 0001 creates.
    expect(await migrate(db, [insertRow, createTable], log)).toEqual(['0001_create.sql', '0002_insert.sql']);

    const { rows } = await db.query<{ name: string; checksum: string; applied_at: Date }>(
      'select name, checksum, applied_at from schema_migrations order by name',
    );
    expect(rows.map(({ name, checksum }) => ({ name, checksum }))).toEqual([
      { name: '0001_create.sql', checksum: migrationChecksum(createTable.sql) },
      { name: '0002_insert.sql', checksum: migrationChecksum(insertRow.sql) },
    ]);
    expect(rows[0]!.applied_at).toBeInstanceOf(Date);
    expect((await db.query('select * from log')).rowCount).toBe(2);
    expect(log.info.mock.calls.map(([fields]) => fields)).toEqual([
      { migration: '0001_create.sql' },
      { migration: '0002_insert.sql' },
    ]);
  });

  it('applies nothing the second time, and only the new one when one is added', async () => {
    await migrate(db, [createTable]);
    expect(await migrate(db, [createTable])).toEqual([]);
    expect(await migrate(db, [createTable, insertRow])).toEqual(['0002_insert.sql']);
    expect((await db.query('select * from log')).rowCount).toBe(2);
  });

  it('refuses to run when an applied migration was edited, applying nothing new', async () => {
    await migrate(db, [createTable]);
    const edited = { ...createTable, sql: 'create table log (entry text);' };
    const outcome = migrate(db, [edited, insertRow]);
    await expect(outcome).rejects.toThrow(MigrationError);
    await expect(outcome).rejects.toThrow(/0001_create\.sql was changed after it was applied/);
    expect((await db.query('select * from log')).rowCount).toBe(0);
  });

  it('treats a changed line-ending style as the same migration', async () => {
    await migrate(db, [createTable]);
    const crlf = { ...createTable, sql: createTable.sql.replaceAll('\n', '\r\n') };
    await expect(migrate(db, [crlf])).resolves.toEqual([]);
  });

  it('leaves nothing of a failing migration, keeps the earlier ones, and can retry once fixed', async () => {
    const broken: Migration = {
      name: '0002_broken.sql',
      sql: 'create table half_done (id int);\ninsert into no_such_table values (1);',
    };
    const err = await migrate(db, [createTable, broken]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/0002_broken\.sql failed/);
    expect((err as Error).cause).toMatchObject({ code: '42P01' });

    expect(await tables()).toEqual(['log', 'schema_migrations']);
    const recorded = await db.query<{ name: string }>('select name from schema_migrations');
    expect(recorded.rows).toEqual([{ name: '0001_create.sql' }]);

    const fixed = { ...broken, sql: 'create table half_done (id int);' };
    expect(await migrate(db, [createTable, fixed])).toEqual(['0002_broken.sql']);
  });

  it('warns about applied migrations the code does not know, without failing', async () => {
    await migrate(db, [createTable, insertRow]);
    const log = { info: vi.fn(), warn: vi.fn() };
    await expect(migrate(db, [createTable], log)).resolves.toEqual([]);
    expect(log.warn).toHaveBeenCalledWith({ migrations: ['0002_insert.sql'] }, expect.any(String));
  });
});

describe('migrate on postgres, from several processes at once', () => {
  let testDb: TestDb;
  const pools: Db[] = [];

  beforeEach(async () => {
    testDb = await createTestDb('postgres', { migrations: [] });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
    await testDb?.drop();
  });

  it('applies each migration exactly once', async () => {
    // Each migration records itself and sleeps a little, so the racers overlap.
    const migrations: Migration[] = [
      { name: '0001_runs.sql', sql: 'create table runs (name text not null); select pg_sleep(0.05);' },
      ...[2, 3, 4, 5].map((n) => ({
        name: `000${n}_step.sql`,
        sql: `insert into runs values ('000${n}'); select pg_sleep(0.02);`,
      })),
    ];
    // Separate pools stand in for separate processes: separate connections, no shared state.
    for (let i = 0; i < 4; i++) pools.push(createPgDb(testDb.url!, { max: 2 }));

    const results = await Promise.all(pools.map((pool) => migrate(pool, migrations)));

    expect(results.flat().sort()).toEqual(migrations.map((m) => m.name));
    const { rows } = await testDb.db.query<{ name: string }>('select name from runs order by name');
    expect(rows.map((r) => r.name)).toEqual(['0002', '0003', '0004', '0005']);
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPgDb } from '../../shared/db/pg.ts';
import { DbError, DbUnavailableError, type Db } from '../../shared/db/port.ts';
import { createTestDb, testDatabaseUrl, withAdminClient, type TestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait.ts';

describe('pg adapter: connections', () => {
  let testDb: TestDb;
  const opened: Db[] = [];

  beforeAll(async () => {
    testDb = await createTestDb('postgres', { migrations: [] });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    await testDb?.drop();
  });

  /** A pool of one connection: a leaked or poisoned connection would show at once. */
  function singleConnection(applicationName: string, log = { warn: vi.fn(), error: vi.fn() }): Db {
    const db = createPgDb(testDb.url!, { max: 1, applicationName, log });
    opened.push(db);
    return db;
  }

  const backendPid = async (db: Db): Promise<number> =>
    (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;

  const terminate = (where: string, value: unknown): Promise<unknown> =>
    withAdminClient((admin) =>
      admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where ${where} = $1`, [value]),
    );

  it('turns an unreachable server into a DbUnavailableError carrying the cause', async () => {
    const db = createPgDb('postgres://postgres@127.0.0.1:1/nowhere');
    opened.push(db);
    const err = await db.query('select 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbUnavailableError);
    expect(err).toMatchObject({ code: 'DB_UNAVAILABLE', status: 503 });
    expect((err as DbError).message).toMatch(/Cannot connect to Postgres at 127\.0\.0\.1:1\/nowhere/);
    expect((err as DbError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    await expect(db.transaction(async () => 1)).rejects.toThrow(DbUnavailableError);
  });

  it('turns a missing database into a DbError, without the password in the message', async () => {
    const db = createPgDb(testDatabaseUrl('no_such_database_here').replace('postgres@', 'postgres:secret@'));
    opened.push(db);
    const err = await db.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbUnavailableError);
    expect((err as DbError).cause).toMatchObject({ code: '3D000' });
    expect((err as DbError).message).not.toContain('secret');
  });

  it('connects ahead when asked, and the first query uses that connection rather than a second one', async () => {
    const applicationName = 'fnstack-test-connect-ahead';
    const db = createPgDb(testDb.url!, { max: 2, applicationName, connectAhead: true });
    opened.push(db);
    const connected = () =>
      withAdminClient(async (admin) => {
        const { rows } = await admin.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where application_name = $1',
          [applicationName],
        );
        return rows[0]!.n;
      });
    await waitFor(async () => (await connected()) === 1);
    await db.query('select 1');
    expect(await connected()).toBe(1);
  });

  it('leaves a failed connection ahead to the first query to report', async () => {
    const db = createPgDb('postgres://postgres@127.0.0.1:1/nowhere', { connectAhead: true });
    opened.push(db);
    await expect(db.query('select 1')).rejects.toThrow(DbUnavailableError);
  });

  it('keeps the connection after an SQL error (no reconnect per failed statement)', async () => {
    const db = singleConnection('fnstack-test-sql-error');
    const pid = await backendPid(db);
    await expect(db.query('select 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(db.transaction((tx) => tx.query('select 1/0'))).rejects.toMatchObject({ code: '22012' });
    expect(await backendPid(db)).toBe(pid);
  });

  it('rethrows the caller error and discards the connection when ROLLBACK itself fails', async () => {
    const db = singleConnection('fnstack-test-rollback');
    const failure = new Error('handler failed after the connection died');
    const outcome = db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
      await terminate('pid', rows[0]!.pid);
      throw failure;
    });
    await expect(outcome).rejects.toBe(failure);
    // With one connection in the pool, this only works if the dead one was not returned to it.
    await expect(db.query('select 1 as ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
  });

  it('reports a lost connection mid-transaction as a DbUnavailableError and recovers', async () => {
    const db = singleConnection('fnstack-test-lost');
    const outcome = db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
      await terminate('pid', rows[0]!.pid);
      await tx.query('select 1');
    });
    await expect(outcome).rejects.toThrow(DbUnavailableError);
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('keeps a failure that is not the connection a plain DbError', async () => {
    const db = singleConnection('fnstack-test-bad-value');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const err = await db.query('select $1::jsonb', [circular]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(err).not.toBeInstanceOf(DbUnavailableError);
    expect((err as DbError).cause).toBeInstanceOf(TypeError);
  });

  it('logs the loss of an idle connection instead of crashing, and reconnects', async () => {
    const log = { warn: vi.fn(), error: vi.fn() };
    const db = singleConnection('fnstack-test-idle', log);
    await db.ping();
    await terminate('application_name', 'fnstack-test-idle');
    await waitFor(() => log.warn.mock.calls.length > 0, { message: 'pool error logged' });
    expect(log.warn.mock.calls[0]![1]).toMatch(/idle Postgres connection lost/);
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('closes idempotently', async () => {
    const db = createPgDb(testDb.url!);
    await db.ping();
    await db.close();
    await expect(db.close()).resolves.toBeUndefined();
  });
});

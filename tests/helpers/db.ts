import { afterAll, beforeAll } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { quoteIdentifier } from '../../shared/db/identifiers.ts';
import { loadMigrations, migrate, migrationChecksum, type Migration } from '../../shared/db/migrate.ts';
import { createPgDb } from '../../shared/db/pg.ts';
import { createPgliteDb, type PgliteDb } from '../../shared/db/pglite.ts';
import { lockFile } from '../../shared/db/lock-file.ts';
import { DbError, type Db } from '../../shared/db/port.ts';

/**
 * Databases for tests: every integration test runs its bodies against both backends, each
 * test file on its own fresh, migrated database.
 *
 * - postgres: a new database `test_<random>` on the local server, cloned from a template
 *   database that holds the migrated schema (cloning takes ~50 ms; migrating every time would
 *   not). The template is named after a hash of the migrations, built once under an advisory
 *   lock, so test files starting in parallel share it and a changed sql/ builds a new one.
 * - pglite: an in-memory PGlite started from a dump of a migrated one (~0.3 s instead of ~3 s).
 *   The dump is cached in the OS temp folder under the same hash, for the next test files.
 *
 * @example
 *   describe.each(dbBackends)('jobs on %s', (backend) => {
 *     let testDb: TestDb;
 *     beforeAll(async () => { testDb = await createTestDb(backend); }, 60_000);
 *     afterAll(() => testDb.drop());
 *     it('...', async () => { await testDb.db.query('select 1'); });
 *   });
 */
export const dbBackends = ['postgres', 'pglite'] as const;
export type DbBackend = (typeof dbBackends)[number];

/** The local server's maintenance database; tests create and drop their databases through it. */
export const TEST_PG_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDb {
  db: Db;
  /** Connection string of the test database (postgres only), for code that connects itself. */
  url?: string;
  /** Close the connection and delete the database. */
  drop(): Promise<void>;
}

export interface TestDbOptions {
  /** Migrations to apply. Default: the project's sql/ folder. `[]` gives an empty database. */
  migrations?: readonly Migration[];
}

export async function createTestDb(backend: DbBackend, options: TestDbOptions = {}): Promise<TestDb> {
  const migrations = options.migrations ?? (await loadMigrations());
  return backend === 'postgres' ? createPostgresTestDb(migrations) : createPgliteTestDb(migrations);
}

/** Connection string for `database` on the test server. */
export function testDatabaseUrl(database: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Run `fn` on a connection to the maintenance database; fails clearly when Postgres is down. */
export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Tests need Postgres at ${TEST_PG_ADMIN_URL} (set TEST_DATABASE_URL to use another): ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function migrationsHash(migrations: readonly Migration[]): string {
  const hash = createHash('sha256');
  for (const m of [...migrations].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    hash.update(`${m.name}\0${migrationChecksum(m.sql)}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

// --- postgres ---------------------------------------------------------------------------------

/** Serializes template builds across test processes; any constant works, it only has to be shared. */
const TEMPLATE_LOCK_KEY = '7164210953';

async function createPostgresTestDb(migrations: readonly Migration[]): Promise<TestDb> {
  const template = `test_tpl_${migrationsHash(migrations)}`;
  const name = `test_${uniqueSuffix()}`;
  await withAdminClient(async (admin) => {
    await ensureTemplate(admin, template, migrations);
    await admin.query(`create database ${quoteIdentifier(name)} template ${quoteIdentifier(template)}`);
  });
  const url = testDatabaseUrl(name);
  const db = createPgDb(url, { max: 5, applicationName: 'fnstack-test' });
  let dropped: Promise<void> | undefined;
  return {
    db,
    url,
    drop() {
      dropped ??= (async () => {
        await db.close();
        // FORCE also ends connections a test opened itself and forgot to close.
        await withAdminClient((admin) =>
          admin.query(`drop database if exists ${quoteIdentifier(name)} with (force)`),
        );
      })();
      return dropped;
    },
  };
}

async function ensureTemplate(
  admin: pg.Client,
  template: string,
  migrations: readonly Migration[],
): Promise<void> {
  const exists = async (): Promise<boolean> =>
    (await admin.query('select 1 from pg_database where datname = $1', [template])).rowCount === 1;
  if (await exists()) return;
  await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
  try {
    if (await exists()) return;
    // Build under a temporary name and rename when complete: a build that crashes half-way can
    // never be mistaken for a finished template.
    const building = `test_build_${uniqueSuffix()}`;
    await admin.query(`create database ${quoteIdentifier(building)}`);
    try {
      const db = createPgDb(testDatabaseUrl(building), { max: 1, applicationName: 'fnstack-test-template' });
      try {
        await migrate(db, migrations);
      } finally {
        await db.close();
      }
      // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template; forbid
      // connections to it so a stray session cannot make the clones of other test files fail.
      await waitUntilUnused(admin, building);
      await admin.query(`alter database ${quoteIdentifier(building)} rename to ${quoteIdentifier(template)}`);
      await admin.query(
        `alter database ${quoteIdentifier(template)} with is_template true allow_connections false`,
      );
    } catch (err) {
      await admin
        .query(`drop database if exists ${quoteIdentifier(building)} with (force)`)
        .catch(() => undefined);
      throw err;
    }
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
  }
}

/** A closed client's server process can linger for a moment; RENAME needs it gone. */
async function waitUntilUnused(admin: pg.Client, database: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await admin.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where datname = $1',
      [database],
    );
    if (rows[0]?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`Database ${database} still has connections after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// --- pglite -----------------------------------------------------------------------------------

const PGLITE_CACHE_DIR = path.join(os.tmpdir(), 'fnstack-test-pglite');
/** Dumps of other migration sets older than this are deleted when a new one is written. */
const PGLITE_CACHE_MAX_AGE_MS = 60 * 60 * 1000;
/** Per test process: several databases in one file share one dump. */
const pgliteTemplates = new Map<string, Promise<Blob>>();

async function createPgliteTestDb(migrations: readonly Migration[]): Promise<TestDb> {
  const hash = migrationsHash(migrations);
  let db: PgliteDb;
  try {
    db = await createPgliteDb(undefined, { loadDataDir: await pgliteTemplate(hash, migrations, true) });
  } catch {
    // A cached dump written by another PGlite version does not load: build a fresh one.
    pgliteTemplates.delete(hash);
    db = await createPgliteDb(undefined, { loadDataDir: await pgliteTemplate(hash, migrations, false) });
  }
  return { db, drop: () => db.close() };
}

function pgliteTemplate(
  hash: string,
  migrations: readonly Migration[],
  useDiskCache: boolean,
): Promise<Blob> {
  let template = pgliteTemplates.get(hash);
  if (!template) {
    template = buildPgliteTemplate(hash, migrations, useDiskCache);
    pgliteTemplates.set(hash, template);
    template.catch(() => pgliteTemplates.delete(hash));
  }
  return template;
}

async function buildPgliteTemplate(
  hash: string,
  migrations: readonly Migration[],
  useDiskCache: boolean,
): Promise<Blob> {
  const file = path.join(PGLITE_CACHE_DIR, `${hash}.tar`);
  await mkdir(PGLITE_CACHE_DIR, { recursive: true });
  const deadline = Date.now() + 120_000;
  // Test files start in parallel: one process builds (initdb is ~2.5 s of CPU), the others wait
  // for its dump instead of competing for the same cores.
  for (;;) {
    if (useDiskCache) {
      const cached = await readFile(file).catch(() => undefined);
      if (cached) return new Blob([cached]);
    }
    const lock = await lockFile(`${file}.lock`).catch((err: unknown) => {
      if (err instanceof DbError && Date.now() < deadline) return undefined;
      throw err;
    });
    if (!lock) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      const cached = useDiskCache ? await readFile(file).catch(() => undefined) : undefined;
      if (cached) return new Blob([cached]);
      const dump = await migratedPgliteDump(migrations);
      await saveToCache(file, dump);
      return dump;
    } finally {
      await lock.release();
    }
  }
}

async function migratedPgliteDump(migrations: readonly Migration[]): Promise<Blob> {
  const db = await createPgliteDb(undefined);
  try {
    await migrate(db, migrations);
    return await db.dumpDataDir();
  } finally {
    await db.close();
  }
}

async function saveToCache(file: string, dump: Blob): Promise<void> {
  // Write then rename, so a parallel test file reads either nothing or a whole dump.
  const partial = `${file}.${uniqueSuffix()}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  for (const other of await readdir(PGLITE_CACHE_DIR)) {
    const otherPath = path.join(PGLITE_CACHE_DIR, other);
    if (otherPath === file || other.endsWith('.lock')) continue;
    const info = await stat(otherPath).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > PGLITE_CACHE_MAX_AGE_MS) await rm(otherPath, { force: true });
  }
}

/**
 * A migrated test database for the enclosing `describe`: created before its tests, dropped after.
 * Read `.db` inside tests and hooks (it is set once the database exists).
 *
 * @example
 *   describe.each(dbBackends)('the outbox on %s', (backend) => {
 *     const test = useTestDb(backend);
 *     it('…', async () => { await test.db.query('select 1'); });
 *   });
 */
export function useTestDb(backend: DbBackend): { readonly db: Db; readonly testDb: TestDb } {
  let testDb: TestDb | undefined;
  beforeAll(async () => {
    testDb = await createTestDb(backend);
  }, 60_000);
  afterAll(() => testDb?.drop());
  return {
    get testDb() {
      if (!testDb) throw new Error('useTestDb: the database is made in beforeAll; read it inside a test');
      return testDb;
    },
    get db() {
      return this.testDb.db;
    },
  };
}

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Db } from './port.ts';

/**
 * Forward-only migrations from plain SQL, applied through the DB port.
 *
 * Why not a library: node-pg-migrate, postgrator and friends drive a `pg` client and read
 * migrations from disk; we need the same migrator on PGlite (not a pg client) and migrations
 * passed in as data, so a Lambda bundle can embed them. The whole job is ~80 lines, as in
 * graphile-worker.
 *
 * Rules: files are applied in name order (`0001_platform.sql`, `0002_gradcafe.sql`, ...), each
 * in its own transaction together with its row in `schema_migrations`, so a failing migration
 * leaves nothing behind. A migration must not contain transaction control (BEGIN/COMMIT) or
 * statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY). Editing an applied
 * migration is an error: add a new one instead.
 */
export interface Migration {
  /** File name, e.g. `0002_gradcafe.sql`; the order is the name order. */
  name: string;
  sql: string;
}

export class MigrationError extends Error {
  readonly code = 'MIGRATION_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** The project's `sql/` folder, found from this module so it works from any working directory. */
export const SQL_DIR = new URL('../../sql/', import.meta.url);

const MIGRATION_FILE = /^\d{4}_[a-z0-9_-]+\.sql$/;

/**
 * Serializes migrators across processes on one database: each migration transaction first takes
 * this transaction-scoped advisory lock, so two processes starting at once apply each file once.
 * The number is arbitrary; it only has to be the same everywhere.
 */
const MIGRATION_LOCK_KEY = '7164210952';

/**
 * Read the `.sql` files of `dir` (default: the project's `sql/`), in name order. A `.sql` file
 * whose name does not look like `0003_name.sql` is an error, so a typo cannot reorder history.
 *
 * @example
 *   const migrations = await loadMigrations();
 */
export async function loadMigrations(dir: string | URL = SQL_DIR): Promise<Migration[]> {
  const folder = dir instanceof URL ? fileURLToPath(dir) : dir;
  const files = (await readdir(folder)).filter((file) => file.endsWith('.sql')).sort();
  const misnamed = files.filter((file) => !MIGRATION_FILE.test(file));
  if (misnamed.length > 0) {
    throw new MigrationError(`Migration files must be named like 0003_some_name.sql: ${misnamed.join(', ')}`);
  }
  return Promise.all(
    files.map(async (name) => ({ name, sql: await readFile(path.join(folder, name), 'utf8') })),
  );
}

/** sha256 of the SQL, with line endings normalized so a Windows checkout keeps the same checksum. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex');
}

/**
 * Apply the migrations not yet recorded in `schema_migrations`; returns the names applied, in
 * order. Throws a MigrationError when an applied migration's SQL changed or a migration fails
 * (its `cause` is the database error; migrations before it stay applied).
 *
 * @example
 *   const applied = await migrate(db, await loadMigrations(), log);
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[],
  log?: Pick<Logger, 'info' | 'warn'>,
): Promise<string[]> {
  const ordered = inOrder(migrations);
  const applied = await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (
      name       text primary key,
      checksum   text not null,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await tx.query<{ name: string; checksum: string }>(
      'select name, checksum from schema_migrations',
    );
    return new Map(rows.map((row) => [row.name, row.checksum]));
  });

  for (const migration of ordered) {
    const recorded = applied.get(migration.name);
    if (recorded !== undefined) assertUnchanged(migration, recorded);
  }
  const unknown = [...applied.keys()].filter((name) => !ordered.some((m) => m.name === name));
  if (unknown.length > 0) {
    log?.warn(
      { migrations: unknown },
      'the database has migrations this code does not know (newer code ran?)',
    );
  }

  const ran: string[] = [];
  for (const migration of ordered.filter((m) => !applied.has(m.name))) {
    const didRun = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      // Another process may have applied it while we waited for the lock.
      const { rows } = await tx.query<{ checksum: string }>(
        'select checksum from schema_migrations where name = $1',
        [migration.name],
      );
      if (rows[0]) {
        assertUnchanged(migration, rows[0].checksum);
        return false;
      }
      try {
        await tx.query(migration.sql);
      } catch (err) {
        throw new MigrationError(`Migration ${migration.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await tx.query('insert into schema_migrations (name, checksum) values ($1, $2)', [
        migration.name,
        migrationChecksum(migration.sql),
      ]);
      return true;
    });
    if (didRun) {
      ran.push(migration.name);
      log?.info({ migration: migration.name }, 'migration applied');
    }
  }
  return ran;
}

function inOrder(migrations: readonly Migration[]): Migration[] {
  const ordered = [...migrations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.name === ordered[i - 1]!.name) {
      throw new MigrationError(`Two migrations are named ${ordered[i]!.name}`);
    }
  }
  return ordered;
}

function assertUnchanged(migration: Migration, recordedChecksum: string): void {
  if (migrationChecksum(migration.sql) !== recordedChecksum) {
    throw new MigrationError(
      `Migration ${migration.name} was changed after it was applied (checksum differs). ` +
        'Applied migrations are history: revert the edit and add a new migration instead.',
    );
  }
}

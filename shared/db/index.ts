import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createPgDb } from './pg.ts';
import type { Db } from './port.ts';

export type { Db, QueryResult, Queryable, Tx } from './port.ts';
export { DbError, DbUnavailableError } from './port.ts';

/**
 * The database the configuration asks for: Postgres through a pool when `DATABASE_URL` is set,
 * otherwise the embedded PGlite kept in `${DATA_DIR}/pg`. Create it once per process.
 *
 * PGlite is imported only when used, so processes on real Postgres (containers, Lambda) never
 * load its wasm.
 *
 * @example
 *   const db = await createDb(loadConfig());
 *   await migrate(db, await loadMigrations());
 */
export async function createDb(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>,
  options: { log?: Pick<Logger, 'warn' | 'error'> } = {},
): Promise<Db> {
  if (config.DATABASE_URL) return createPgDb(config.DATABASE_URL, { log: options.log });
  const { createPgliteDb } = await import('./pglite.ts');
  return createPgliteDb(embeddedDataDir(config));
}

/** Where the embedded database keeps its files. */
export function embeddedDataDir(config: Pick<Config, 'DATA_DIR'>): string {
  return path.join(config.DATA_DIR, 'pg');
}

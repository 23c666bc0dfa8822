import type { Logger } from 'pino';
import { createServerDb, embeddedDataDir, type DbSettings } from './server.ts';
import type { Db } from './port.ts';

export type { Db, QueryResult, Queryable, Tx } from './port.ts';
export { DbError, DbUnavailableError } from './port.ts';
export { createServerDb, describeDatabase, embeddedDataDir } from './server.ts';

/**
 * The database the configuration asks for: Postgres through a pool when `DATABASE_SECRET_ID` or
 * `DATABASE_URL` is set, otherwise the embedded PGlite kept in `${DATA_DIR}/pg`. Create it once per
 * process.
 *
 * PGlite is imported only when used, so processes on real Postgres (containers, Lambda) never
 * load its wasm.
 *
 * @example
 *   const db = await createDb(loadConfig());
 *   await migrate(db, await loadMigrations());
 */
export async function createDb(
  config: DbSettings,
  options: { log?: Pick<Logger, 'warn' | 'error'> } = {},
): Promise<Db> {
  const server = await createServerDb(config, options.log ? { log: options.log } : {});
  if (server) return server;
  const { createPgliteDb } = await import('./pglite.ts');
  return createPgliteDb(embeddedDataDir(config));
}

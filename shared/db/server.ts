import path from 'node:path';
import type { Config } from '../config.ts';
import { createPgDb, describeServer, type PgDbOptions } from './pg.ts';
import type { Db } from './port.ts';

/**
 * The Postgres server a configuration names. Apart from shared/db/index.ts (which may load the
 * embedded database) so that a Lambda bundle, which imports only this, never carries PGlite.
 */
export type DbSettings = Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> &
  Partial<Pick<Config, 'DATABASE_SECRET_ID' | 'AWS_REGION'>>;

/**
 * The Postgres server the configuration names, or undefined (the embedded database): with
 * `DATABASE_SECRET_ID`, its credentials from AWS Secrets Manager (fetched now, so a missing or
 * unreadable secret stops the start with a ConfigError), else `DATABASE_URL`.
 */
export async function createServerDb(config: DbSettings, options: PgDbOptions = {}): Promise<Db | undefined> {
  if (config.DATABASE_SECRET_ID) {
    const { secretsManagerCredentials } = await import('./secret-credentials.ts');
    const credentials = secretsManagerCredentials({
      secretId: config.DATABASE_SECRET_ID,
      ...(config.AWS_REGION ? { region: config.AWS_REGION } : {}),
    });
    const { user, host, port, database } = await credentials.current();
    const url = `postgres://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(database)}`;
    return createPgDb(url, { ...options, credentials });
  }
  if (config.DATABASE_URL) return createPgDb(config.DATABASE_URL, options);
  return undefined;
}

/** Which database the configuration names, for banners and logs (never a password). */
export function describeDatabase(config: DbSettings): string {
  if (config.DATABASE_SECRET_ID) return `Postgres (credentials from secret ${config.DATABASE_SECRET_ID})`;
  if (config.DATABASE_URL) return `Postgres ${describeServer(config.DATABASE_URL)}`;
  return `embedded PGlite in ${path.resolve(embeddedDataDir(config))}`;
}

/** Where the embedded database keeps its files. */
export function embeddedDataDir(config: Pick<Config, 'DATA_DIR'>): string {
  return path.join(config.DATA_DIR, 'pg');
}

import middy from '@middy/core';
import { ConfigError, loadConfig } from '../config.ts';
import { createPgDb } from '../db/pg.ts';
import { migrate, type Migration } from '../db/migrate.ts';
import { createLogger } from '../observability/logger.ts';
import { invocationFields, invocationScope } from './invocation.ts';
import type { LambdaHandler } from './types.ts';

/**
 * The `platform-migrate` function: applies the migrations embedded in its bundle at build time
 * (there is no `sql/` folder on Lambda). Invoke it once after each deploy
 * (`sam remote invoke PlatformMigrate`); applying is idempotent and serialized by an advisory
 * lock, so a second invocation applies nothing.
 */
export function migrateHandler(migrations: Migration[]): LambdaHandler<unknown, { applied: string[] }> {
  async function apply(): Promise<{ applied: string[] }> {
    const config = loadConfig();
    if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL is required on Lambda');
    const log = createLogger(config.LOG_LEVEL, { mixin: invocationFields }).child({
      function: 'platform-migrate',
    });
    const db = createPgDb(config.DATABASE_URL, { max: 1, applicationName: 'fnstack-lambda-migrate', log });
    try {
      const applied = await migrate(db, migrations, log);
      log.info({ applied, known: migrations.length }, 'migrations applied');
      return { applied };
    } finally {
      // Rarely invoked: no reason to keep a connection open in a frozen container.
      await db.close();
    }
  }
  return middy(apply).use(invocationScope());
}

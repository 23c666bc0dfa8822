import { loadConfig, type Config } from '../../shared/config.ts';
import { createDb } from '../../shared/db/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { loadMigrations, migrate } from '../../shared/db/migrate.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import { createQueueDriver } from '../../shared/queue/index.ts';
import { loadManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createPlatform, type Platform } from '../../shared/runtime/platform.ts';

/*
 * What the CLI's commands open: the configured database (migrated), and for those that queue or
 * inspect work, the whole platform on the configured broker. Each command closes what it opened.
 */

/**
 * Run `fn` on the configured database, migrated first unless `migrate: false` (a command that only
 * reads what is there, such as `sql`, must not change the schema as a side effect).
 */
export async function withDb<T>(
  fn: (db: Db, config: Config) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const db = await createDb(config, { log });
  try {
    if (options.migrate !== false) await migrate(db, await loadMigrations(), log);
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

export async function withPlatform<T>(fn: (platform: Platform) => Promise<T>): Promise<T> {
  return withDb(async (db, config) => {
    const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
    const manifest = await loadManifest();
    const driver = createQueueDriver(config, log);
    await driver.declare(topologyOf(manifest));
    const platform = createPlatform({ config, log, db, driver, manifest });
    try {
      return await fn(platform);
    } finally {
      await driver.close();
      await platform.cache.close();
    }
  });
}

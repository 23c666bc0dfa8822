import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/port.ts';
import { importAppFiles } from './app-files.ts';
import { functionsDir } from './manifest.ts';

/**
 * Apps that ship sample data export `seed(db, log)` from `functions/<app>/lib/seed.ts`.
 * Seeds must be idempotent: they run on every embedded start and by `npm run seed`.
 */
type SeedModule = { seed: (db: Db, log: Logger, config: Config) => Promise<unknown> };

export async function runSeeds(
  db: Db,
  log: Logger,
  config: Config,
  dir: string = functionsDir,
): Promise<void> {
  for (const { app, module } of await importAppFiles<SeedModule>('lib/seed.ts', { dir })) {
    const result = await module.seed(db, log.child({ app }), config);
    log.info({ app, result }, 'seed done');
  }
}

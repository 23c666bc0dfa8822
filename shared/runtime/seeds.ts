import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Publisher } from '../contract/context.ts';
import type { Db } from '../db/port.ts';
import { importAppFiles } from './app-files.ts';
import { functionsDir } from './manifest.ts';
import { outboxOnlyPublisher } from './publisher.ts';

/**
 * Apps that ship sample data export `seed(db, log, config, outbox)` from `functions/<app>/lib/seed.ts`.
 * Seeds must be idempotent: they run on every embedded start and by `npm run seed`. What a seed
 * announces goes through `outbox` (a publisher that needs `{ tx }`): it is sent once the system runs.
 */
type SeedModule = { seed: (db: Db, log: Logger, config: Config, outbox: Publisher) => Promise<unknown> };

export async function runSeeds(
  db: Db,
  log: Logger,
  config: Config,
  dir: string = functionsDir,
): Promise<void> {
  for (const { app, module } of await importAppFiles<SeedModule>('lib/seed.ts', { dir })) {
    const result = await module.seed(db, log.child({ app }), config, outboxOnlyPublisher);
    log.info({ app, result }, 'seed done');
  }
}

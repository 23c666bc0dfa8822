import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { access, readdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/port.ts';
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
  const apps = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  for (const app of apps.sort()) {
    const file = path.join(dir, app, 'lib', 'seed.ts');
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const module = (await import(pathToFileURL(file).href)) as SeedModule;
    const result = await module.seed(db, log.child({ app }), config);
    log.info({ app, result }, 'seed done');
  }
}

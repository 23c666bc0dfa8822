/**
 * `npm run seed`: apply pending migrations, then run every app's seed — for GradCafe, load
 * the bundled sample dataset (only when `gradcafe.applicants` is empty) and compute a first
 * analysis. Safe to re-run. Uses DATABASE_URL when set, else the embedded database in DATA_DIR.
 */
import { loadConfig, loadDotEnv } from '../shared/config.ts';
import { createDb } from '../shared/db/index.ts';
import { loadMigrations, migrate } from '../shared/db/migrate.ts';
import { createLogger } from '../shared/observability/logger.ts';
import { runSeeds } from '../shared/runtime/seeds.ts';
import { runScript } from './lib/run-script.ts';

loadDotEnv();
await runScript(async () => {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const db = await createDb(config);
  try {
    await migrate(db, await loadMigrations(), log);
    await runSeeds(db, log, config);
  } finally {
    await db.close();
  }
});

/**
 * `npm run migrate`: apply the SQL migrations in sql/ to the configured database (DATABASE_URL,
 * or the embedded one in DATA_DIR) and say what was applied, then make sure the first admin exists
 * (ADMIN_EMAIL / ADMIN_PASSWORD). A configuration mistake or a database in use is one line (exit
 * code 2 or 1).
 */
import { loadConfig, loadDotEnv } from '../shared/config.ts';
import { createDb, embeddedDataDir } from '../shared/db/index.ts';
import { loadMigrations, migrate } from '../shared/db/migrate.ts';
import type { Db } from '../shared/db/port.ts';
import { createUsers } from '../shared/auth/users.ts';
import { createLogger } from '../shared/observability/logger.ts';
import { bootstrapAdmin, describeAdmin } from '../shared/runtime/admin.ts';
import { runScript } from './lib/run-script.ts';

loadDotEnv();
const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
await runScript(async () => {
  const config = loadConfig();
  const target = config.DATABASE_URL
    ? 'Postgres (DATABASE_URL)'
    : `embedded Postgres in ${embeddedDataDir(config)}`;
  const db: Db = await createDb(config, { log });
  try {
    const migrations = await loadMigrations();
    const applied = await migrate(db, migrations, log);
    const admin = await bootstrapAdmin(createUsers(db), config);
    if (admin) console.log(`admin: ${describeAdmin(admin)}`);
    if (applied.length === 0) {
      console.log(`${target}: up to date (${migrations.length} migrations).`);
    } else {
      console.log(
        `${target}: applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}`).join('\n')}`,
      );
    }
  } finally {
    await db.close();
  }
});

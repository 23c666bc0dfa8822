/**
 * `npm run migrate`: apply the SQL migrations in sql/ to the configured database (DATABASE_URL,
 * or the embedded one in DATA_DIR) and say what was applied, then make sure the first admin exists
 * (ADMIN_EMAIL / ADMIN_PASSWORD). Exit code 1 on failure.
 */
import { loadConfig, loadDotEnv } from '../shared/config.ts';
import { createDb, embeddedDataDir } from '../shared/db/index.ts';
import { loadMigrations, migrate } from '../shared/db/migrate.ts';
import type { Db } from '../shared/db/port.ts';
import { createUsers } from '../shared/auth/users.ts';
import { createLogger } from '../shared/observability/logger.ts';
import { bootstrapAdmin, describeAdmin } from '../shared/runtime/admin.ts';

loadDotEnv();
const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
let db: Db | undefined;
try {
  const config = loadConfig();
  const target = config.DATABASE_URL
    ? 'Postgres (DATABASE_URL)'
    : `embedded Postgres in ${embeddedDataDir(config)}`;
  db = await createDb(config, { log });
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
} catch (err) {
  console.error('Migration failed:', err);
  process.exitCode = 1;
} finally {
  await db?.close();
}

/**
 * The local runner: `npm start [-- --role web|worker|scheduler|all]`.
 * One process serves HTTP, consumes every queue and fires every schedule (role `all`), on
 * the embedded defaults unless DATABASE_URL / RABBITMQ_URL say otherwise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../shared/config.ts';
import { createDb } from '../shared/db/index.ts';
import { loadMigrations, migrate } from '../shared/db/migrate.ts';
import { createLogger } from '../shared/observability/logger.ts';
import { createQueueDriver, describeDriver, redact } from '../shared/queue/index.ts';
import { loadManifest } from '../shared/runtime/manifest.ts';
import { createPlatform } from '../shared/runtime/platform.ts';
import { ROLES, startRunner, type Role } from '../shared/runtime/runner.ts';
import { runSeeds } from '../shared/runtime/seeds.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

const { values } = parseArgs({ options: { role: { type: 'string', default: process.env.ROLE ?? 'all' } } });
const role = values.role as string;
if (role !== 'all' && !ROLES.includes(role as Role)) {
  console.error(`--role must be one of: all, ${ROLES.join(', ')} (got '${role}')`);
  process.exit(2);
}
const roles: Role[] = role === 'all' ? [...ROLES] : [role as Role];

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

const startedAt = Date.now();
const db = await createDb(config);
const applied = await migrate(db, await loadMigrations(), log);
if (config.embeddedDb) await runSeeds(db, log);
const manifest = await loadManifest();
const driver = createQueueDriver(config, log);
const platform = createPlatform({ config, log, db, driver, manifest });
const runner = await startRunner(platform, { roles, port: config.PORT, host: config.HOST });

const banner = [
  '',
  `  fnstack is running (${roles.join(', ')}) in ${Date.now() - startedAt} ms`,
  `  url        ${runner.url}   (GradCafe: ${runner.url}/gradcafe/  API docs: ${runner.url}/docs)`,
  `  database   ${config.DATABASE_URL ? `postgres ${redact(config.DATABASE_URL)}` : `embedded PGlite in ${path.resolve(config.DATA_DIR)}`}`,
  `  queue      ${describeDriver(config)}`,
  `  functions  ${manifest.http.length} http, ${manifest.tasks.length} tasks, ${manifest.schedules.length} schedules; ${applied.length} migrations applied now`,
  ...runner.schedules.map((s) => `  schedule   ${s}`),
  '',
];
process.stdout.write(banner.join('\n') + '\n');

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(1);
    log.info({ signal }, 'shutting down: finishing in-flight work');
    const timer = setTimeout(() => {
      log.error(`shutdown took longer than ${config.SHUTDOWN_TIMEOUT_S}s; exiting`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_S * 1000);
    timer.unref();
    runner.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  });
}

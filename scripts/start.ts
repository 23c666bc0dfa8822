/**
 * The local runner: `npm start [-- --role web|worker|scheduler|all]`.
 * One process serves HTTP, consumes every queue and fires every schedule (role `all`), on
 * the embedded defaults unless DATABASE_URL / RABBITMQ_URL say otherwise.
 */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { useDevSecrets } from '../shared/auth/dev-secrets.ts';
import { ConfigError, loadConfig, loadDotEnv } from '../shared/config.ts';
import { createDb, describeDatabase, DbError } from '../shared/db/index.ts';
import { loadMigrations, migrate } from '../shared/db/migrate.ts';
import { createLogger } from '../shared/observability/logger.ts';
import { startTracing } from '../shared/observability/tracing-sdk.ts';
import { createQueueDriver, describeDriver } from '../shared/queue/index.ts';
import { metricsAccessOf, type MetricsAccess } from '../shared/http/platform-routes.ts';
import { loadApps } from '../shared/runtime/apps.ts';
import { loadManifest } from '../shared/runtime/manifest.ts';
import { bootstrapAdmin, describeAdmin } from '../shared/runtime/admin.ts';
import { createPlatform } from '../shared/runtime/platform.ts';
import { ROLES, startRunner, type Role } from '../shared/runtime/runner.ts';
import { runSeeds } from '../shared/runtime/seeds.ts';
import { logDestination } from './lib/log-destination.ts';
import { onShutdownSignal } from '../shared/runtime/shutdown.ts';

loadDotEnv();
const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } });
const role = values.role as string;
if (role !== 'all' && !ROLES.includes(role as Role)) {
  console.error(`--role must be one of: all, ${ROLES.join(', ')} (got '${role}')`);
  process.exit(2);
}
const roles: Role[] = role === 'all' ? [...ROLES] : [role as Role];

// Every app's settings are checked with the platform's: a bad one stops the start here, in one line.
const apps = await loadApps();
const settings = loadOrExit(() => loadConfig(process.env, apps));
if (role !== 'all' && (settings.embeddedDb || settings.queueDriver === 'memory')) {
  // The embedded database and the memory queue live inside one process: a web process would
  // queue jobs that no other process can ever see.
  exitWith(
    2,
    `--role ${role} needs a database and a broker shared between processes: set DATABASE_URL and ` +
      'RABBITMQ_URL (or run every role in one process with --role all).',
  );
}
// Before anything is made (a secrets file, an admin whose password nobody would see): is the port free?
if (await portInUse(settings.PORT, settings.HOST)) exitWith(1, portTakenMessage(settings.PORT));
// In development, signing secrets that survive restarts (kept in DATA_DIR), unless configured.
const devSecrets = await useDevSecrets(process.env);
const config = devSecrets ? loadOrExit(() => loadConfig(process.env, apps)) : settings;
const log = createLogger(config.LOG_LEVEL, {
  destination: logDestination(process.stdout, config.LOG_FORMAT),
});
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
const shutdown = onShutdownSignal(log, config.SHUTDOWN_TIMEOUT_S);
// Traces only when an OTLP endpoint is configured: otherwise the SDK is not even loaded.
const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT
  ? await startTracing({ serviceName: 'fnstack' })
  : undefined;

const startedAt = Date.now();
const db = await createDb(config).catch((err: unknown) =>
  err instanceof DbError ? exitWith(1, err.message) : Promise.reject(err),
);
const manifest = await loadManifest();
const driver = createQueueDriver(config, log);
const platform = createPlatform({ config, log, db, driver, manifest });

// A stop requested while the runner still waits for its database: give up waiting and exit.
const starting = new AbortController();
shutdown.ready(async () => starting.abort(new Error('stopped during start-up')));
let applied: string[] = [];
let admin: string | undefined;
const runner = await startRunner(platform, {
  roles,
  port: config.PORT,
  host: config.HOST,
  signal: starting.signal,
  prepare: async () => {
    applied = await migrate(db, await loadMigrations(), log);
    const bootstrapped = await bootstrapAdmin(platform.auth.users, config);
    admin = describeAdmin(bootstrapped);
    // Printed at once, not only in the banner: whatever fails after this, the password was shown.
    if (bootstrapped?.generatedPassword) process.stdout.write(`  admin      ${admin}\n`);
    // After the admin exists: the Notes demo tasks belong to the first admin.
    if (config.embeddedDb) await runSeeds(db, log, config);
  },
}).catch((err: unknown) => {
  if (starting.signal.aborted) return new Promise<never>(() => {}); // exiting (shutdown handler)
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') exitWith(1, portTakenMessage(config.PORT));
  throw err;
});
shutdown.ready(async () => {
  await runner.stop();
  // The last spans (those of the in-flight work just finished) go out before the process ends.
  await tracing?.stop();
});

const database = describeDatabase(config);
const banner = [
  '',
  `  fnstack is running (${roles.join(', ')}) in ${Date.now() - startedAt} ms`,
  `  url        ${runner.url}/   (the home page; API docs: ${runner.url}/docs)`,
  `  apps       ${apps.map((app) => `${app.title} ${runner.url}${app.url()}`).join('   ')}`,
  `  database   ${database}`,
  `  queue      ${describeDriver(config)}`,
  `  metrics    ${describeMetricsAccess(metricsAccessOf(config))}`,
  ...(config.OTEL_EXPORTER_OTLP_ENDPOINT
    ? [`  traces     OTLP to ${config.OTEL_EXPORTER_OTLP_ENDPOINT}`]
    : []),
  `  functions  ${manifest.http.length} http, ${manifest.tasks.length} tasks, ${manifest.schedules.length} schedules; ${applied.length} migrations applied now`,
  ...(admin ? [`  admin      ${admin}`] : []),
  ...(devSecrets
    ? [
        `  secrets    ${devSecrets.names.join(', ')} ${devSecrets.created ? 'made now and ' : ''}kept in ${devSecrets.file} (delete it to sign everyone out)`,
      ]
    : []),
  ...(platform.auth.generatedSecrets.length > 0
    ? [
        `  secrets    ${platform.auth.generatedSecrets.join(', ')} generated for this run: sign-ins end at restart`,
      ]
    : []),
  ...runner.schedules.map((s) => `  schedule   ${s}`),
  '',
];
process.stdout.write(banner.join('\n') + '\n');

/** A configuration error is the operator's to fix: its message alone, exit code 2, no stack. */
function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

function describeMetricsAccess(access: MetricsAccess): string {
  if (access.type === 'open')
    return '/metrics open to anyone (development; set METRICS_TOKEN to require a token)';
  if (access.type === 'token') return '/metrics needs the bearer token METRICS_TOKEN';
  return '/metrics closed: set METRICS_TOKEN for Prometheus to scrape it';
}

function exitWith(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

function portTakenMessage(port: number): string {
  return `Port ${port} is already in use: stop what is listening there, or start with PORT=${port + 1} npm start.`;
}

/** Whether something already listens on the port (checked by trying to listen, then letting go). */
function portInUse(port: number, host: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

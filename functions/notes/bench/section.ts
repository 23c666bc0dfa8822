import { randomBytes } from 'node:crypto';
import { createUsers, type User } from '../../../shared/auth/users.ts';
import { loadConfig } from '../../../shared/config.ts';
import { createDb } from '../../../shared/db/index.ts';
import { createPgDb } from '../../../shared/db/pg.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { createQueueDriver } from '../../../shared/queue/index.ts';
import { loadManifest, type Manifest } from '../../../shared/runtime/manifest.ts';
import { createPlatform } from '../../../shared/runtime/platform.ts';
import { startRunner } from '../../../shared/runtime/runner.ts';
import { fireRequests, serverView, untilAnswered } from './load.ts';
import { runSecrets } from '../../../scripts/bench/helpers.ts';
import { deleteRedisPrefix } from '../../../scripts/bench/redis.ts';
import type { BenchRun } from '../../../scripts/bench/run.ts';
import { defineSection } from '../../../scripts/bench/section.ts';
import { notesCacheReport } from './report.ts';

/**
 * Notes cache: `GET /notes/api/tasks?limit=20` with the cache warm, against the same handler with
 * the cache off, in one run. Each side is a web runner built in the bench process as
 * `scripts/start.ts` builds it, on the bench database and the memory queue; only the cache
 * settings differ: off, Redis (the figure), and the in-memory LRU (for information).
 */
export type NotesCacheResult = Awaited<ReturnType<typeof benchNotesCache>>;
export type NotesCacheSide = NotesCacheResult['off'];
type CacheSetting = 'off' | 'redis' | 'memory';

/** The user's tasks; each request lists the newest PAGE_SIZE of them. */
const TASKS = 200;
const PAGE_SIZE = 20;
/** Enough to fill the cache and let V8 optimise the request path before the clock starts. */
const WARM_UP_REQUESTS = 500;
const ROUTE = `/notes/api/tasks?limit=${PAGE_SIZE}`;
/** The route's label in the metrics, and the cache namespace group its listings use. */
const SCOPE = { route: '/notes/api/tasks', namespaceGroup: 'notes:tasks' };

export default defineSection({
  name: 'notes-cache',
  description: (s) =>
    `GET /notes/api/tasks, ${s.connections} connections x ${s.durationSeconds} s, cache off, Redis, in-memory`,
  needs: ['postgres', 'redis'],
  run: benchNotesCache,
  report: notesCacheReport,
});

async function benchNotesCache(run: BenchRun) {
  const { settings } = run;
  const cachePrefix = `${run.tag}:`;
  run.defer(() => deleteRedisPrefix(settings.redisUrl, cachePrefix));

  const user = await seedNotes(run.databaseUrl);
  const manifest = await loadManifest();
  // One key pair for every side: the run's own, so no secret of the machine's .env is needed.
  const secrets = runSecrets();
  const measure = (cache: CacheSetting, cacheEnv: Record<string, string>) =>
    measureSide(run, manifest, user, cache, { ...secrets, ...cacheEnv });

  const off = await measure('off', { CACHE_ENABLED: 'false' });
  const redis = await measure('redis', { REDIS_URL: settings.redisUrl, CACHE_PREFIX: cachePrefix });
  const memory = await measure('memory', {});
  const { durationSeconds, connections } = settings;
  const constants = { tasks: TASKS, pageSize: PAGE_SIZE, warmUpRequests: WARM_UP_REQUESTS };
  return { durationSeconds, connections, ...constants, off, redis, memory };
}

/** One account and its tasks, inserted directly: the bench measures reads, not the create route. */
async function seedNotes(databaseUrl: string): Promise<User> {
  const db = createPgDb(databaseUrl, { max: 1 });
  try {
    const user = await createUsers(db).register({
      email: 'notes-bench@example.com',
      password: randomBytes(24).toString('base64url'),
    });
    // Distinct creation times, so the page is a real "newest 20" of the 200 and not a tie-break.
    await db.query(
      `insert into notes.tasks (owner_id, title, description, status, created_at, updated_at)
       select $1, 'Bench task ' || i, 'Seeded by the notes-cache benchmark',
              (array['todo', 'in_progress', 'done'])[1 + i % 3],
              now() - i * interval '1 minute', now() - i * interval '1 minute'
       from generate_series(1, $2::int) as i`,
      [user.id, TASKS],
    );
    return user;
  } finally {
    await db.close();
  }
}

async function measureSide(
  run: BenchRun,
  manifest: Manifest,
  user: User,
  cache: CacheSetting,
  cacheEnv: Record<string, string>,
) {
  const { connections, durationSeconds } = run.settings;
  // Only what is listed here: a REDIS_URL in the bench's own environment must not turn the
  // cache-off or in-memory side into a Redis one.
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: run.databaseUrl,
    QUEUE_DRIVER: 'memory',
    // An info line per request would measure the log pipe; production may well log at info.
    LOG_LEVEL: 'warn',
    ...cacheEnv,
  });
  const log = createLogger(config.LOG_LEVEL);
  const db = await createDb(config, { log });
  const driver = createQueueDriver(config, log);
  const platform = createPlatform({ config, log, db, driver, manifest });
  if (platform.cache.driver !== cache) {
    throw new Error(`the ${cache} side of (f) built a '${platform.cache.driver}' cache`);
  }
  const runner = await startRunner(platform, { roles: ['web'], port: 0, host: '127.0.0.1' });
  try {
    const { access_token: token } = await platform.auth.tokens.issue(user);
    const url = `${runner.url}${ROUTE}`;
    await assertFullPage(url, token);
    const beforeWarmUp = await serverView(platform.metrics, SCOPE);
    const warmUp = await fireRequests(url, token, { connections, amount: WARM_UP_REQUESTS });
    await untilAnswered(platform.metrics, SCOPE, beforeWarmUp, warmUp.sent);
    const before = await serverView(platform.metrics, SCOPE);
    const timed = await fireRequests(url, token, { connections, durationSeconds });
    const server = await untilAnswered(platform.metrics, SCOPE, before, timed.sent);
    // The warm-up's answers must all be 200 too; `server`: the timed run as the platform's metrics saw it.
    const { ok, notOk, statusCounts, errors, timeouts } = warmUp;
    return { cache, ...timed, warmUp: { ok, notOk, statusCounts, errors, timeouts }, server };
  } finally {
    await runner.stop();
  }
}

/** The route must answer the page the figure is about; a 401 or an empty list would be fast too. */
async function assertFullPage(url: string, token: string): Promise<void> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { items?: unknown[]; total?: number };
  if (response.status !== 200 || body.items?.length !== PAGE_SIZE || body.total !== TASKS) {
    throw new Error(
      `GET ${ROUTE} answered ${response.status} with ${body.items?.length ?? 'no'} items of ` +
        `${body.total ?? '?'}; expected 200 with ${PAGE_SIZE} of ${TASKS}: ${JSON.stringify(body).slice(0, 300)}`,
    );
  }
}

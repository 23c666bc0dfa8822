import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import apiCreateTask from '../../functions/notes/api-create-task.ts';
import apiDeleteTask from '../../functions/notes/api-delete-task.ts';
import apiListTasks from '../../functions/notes/api-list-tasks.ts';
import apiMyStats from '../../functions/notes/api-my-stats.ts';
import apiStats from '../../functions/notes/api-stats.ts';
import apiUpdateTask from '../../functions/notes/api-update-task.ts';
import toggleItem from '../../functions/notes/toggle-item.tsx';
import type { Cache } from '../../shared/cache/index.ts';
import type { AuthUser, HttpCtx } from '../../shared/contract/index.ts';
import type { Metrics } from '../../shared/observability/metrics.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';
import { readJson } from '../helpers/fake-ctx.ts';
import { callHttp, countingDb, htmx, insertUser, notesHttpCtx, redisCache } from '../helpers/notes.ts';
import { deleteRedisPrefix, redisKeys } from '../helpers/redis.ts';

/**
 * The read-through cache around listings and statistics, on the real Redis: a second read is a
 * hit (no query), and every committed change (API or page, by the owner or an admin) makes the
 * next read of the owner's listings, the owner's statistics and the admins' statistics a miss.
 * Loads are counted by the statements the database ran.
 */

const LIST_LOAD = 'count(*) over ()';
const OWNER_STATS_LOAD = 'from notes.tasks t where t.owner_id';
const ALL_STATS_LOAD = 'from auth.users u';

describe.each(dbBackends)('Notes cache on %s', (backend) => {
  let testDb: TestDb;
  let db: ReturnType<typeof countingDb>;
  let cache: Cache;
  let metrics: Metrics;
  let prefix: string;
  let ctx: HttpCtx;
  let owner: AuthUser;
  let admin: AuthUser;

  beforeAll(async () => {
    testDb = await createTestDb(backend);
    db = countingDb(testDb.db);
    ({ cache, prefix, metrics } = redisCache());
    ({ ctx } = notesHttpCtx(db, cache));
    owner = await insertUser(db, { email: 'owner@example.com' });
    admin = await insertUser(db, { email: 'admin@example.com', role: 'admin' });
  }, 60_000);
  afterAll(async () => {
    await cache?.close();
    await deleteRedisPrefix(prefix);
    await testDb?.drop();
  });

  const list = (as: AuthUser, query: Record<string, string> = {}) =>
    callHttp(apiListTasks, { user: as, query }, ctx).then(readJson);
  const create = (title: string) =>
    callHttp(apiCreateTask, { user: owner, body: { title } }, ctx).then(readJson);

  async function hits(group: string): Promise<number> {
    const { values } = await metrics.cacheRequests.get();
    return values.find((v) => v.labels.namespace_group === group && v.labels.result === 'hit')?.value ?? 0;
  }

  it('serves a repeated listing from Redis and loads again after a create', async () => {
    await create('first');
    const loads = db.count(LIST_LOAD);
    const first = await list(owner);
    expect(db.count(LIST_LOAD)).toBe(loads + 1);
    const hitsBefore = await hits('notes:tasks');
    expect(await list(owner)).toEqual(first);
    expect(db.count(LIST_LOAD)).toBe(loads + 1);
    expect(await hits('notes:tasks')).toBe(hitsBefore + 1);
    // The entry lives in Redis under the owner's namespace, not only in this process.
    expect((await redisKeys(prefix)).some((key) => key.includes(`notes:tasks:${owner.id}`))).toBe(true);

    await create('second');
    const after = await list(owner);
    expect(db.count(LIST_LOAD)).toBe(loads + 2);
    expect(after.total).toBe(first.total + 1);
  });

  it('keys entries by filter and page: another page is a load of its own', async () => {
    await list(owner, { limit: '1' });
    const loads = db.count(LIST_LOAD);
    await list(owner, { limit: '1', offset: '1' });
    await list(owner, { limit: '1', status: 'done' });
    expect(db.count(LIST_LOAD)).toBe(loads + 2);
    await list(owner, { limit: '1' });
    expect(db.count(LIST_LOAD)).toBe(loads + 2);
  });

  it("clears the owner's listing, statistics and the admins' statistics after a change, and only those", async () => {
    const task = await create('to change');
    await list(owner);
    await list(admin);
    await callHttp(apiMyStats, { user: owner }, ctx);
    await callHttp(apiStats, { user: admin }, ctx);
    const before = {
      list: db.count(LIST_LOAD),
      stats: db.count(OWNER_STATS_LOAD),
      all: db.count(ALL_STATS_LOAD),
    };

    // All cached now.
    await list(owner);
    await list(admin);
    await callHttp(apiMyStats, { user: owner }, ctx);
    await callHttp(apiStats, { user: admin }, ctx);
    expect(db.count(LIST_LOAD)).toBe(before.list);
    expect(db.count(OWNER_STATS_LOAD)).toBe(before.stats);
    expect(db.count(ALL_STATS_LOAD)).toBe(before.all);

    // An admin changes the owner's task: the owner's namespaces clear, the admin's listing does not.
    await callHttp(apiUpdateTask, { user: admin, params: { id: task.id }, body: { status: 'done' } }, ctx);
    await list(admin);
    expect(db.count(LIST_LOAD)).toBe(before.list);
    const listed = await list(owner);
    expect(db.count(LIST_LOAD)).toBe(before.list + 1);
    expect(listed.items.find((t: { id: string }) => t.id === task.id)?.status).toBe('done');
    const stats = await readJson(await callHttp(apiMyStats, { user: owner }, ctx));
    expect(db.count(OWNER_STATS_LOAD)).toBe(before.stats + 1);
    expect(stats.done).toBeGreaterThanOrEqual(1);
    const all = await readJson(await callHttp(apiStats, { user: admin }, ctx));
    expect(db.count(ALL_STATS_LOAD)).toBe(before.all + 1);
    expect(all.owners.find((o: { ownerId: string }) => o.ownerId === owner.id)).toMatchObject({
      done: stats.done,
      total: stats.total,
    });
  });

  it('a page action (toggle) and a delete clear the cache too', async () => {
    const task = await create('toggled from the page');
    await list(owner);
    const loads = db.count(LIST_LOAD);
    const res = await callHttp(toggleItem, { user: owner, params: { id: task.id }, headers: htmx }, ctx);
    expect(res.status).toBe(200);
    const listed = await list(owner);
    expect(db.count(LIST_LOAD)).toBe(loads + 1);
    expect(listed.items.find((t: { id: string }) => t.id === task.id)?.status).toBe('done');

    await callHttp(apiDeleteTask, { user: owner, params: { id: task.id } }, ctx);
    const afterDelete = await list(owner);
    expect(db.count(LIST_LOAD)).toBe(loads + 2);
    expect(afterDelete.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
  });

  it('a refused change (another owner, 404) leaves the cache as it was', async () => {
    const task = await create('not yours');
    const stranger = await insertUser(db, { email: 'stranger@example.com' });
    await list(owner);
    const loads = db.count(LIST_LOAD);
    await expect(
      callHttp(apiUpdateTask, { user: stranger, params: { id: task.id }, body: { title: 'x' } }, ctx),
    ).rejects.toMatchObject({ status: 404 });
    await list(owner);
    expect(db.count(LIST_LOAD)).toBe(loads);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../../shared/cache/index.ts';
import type { AuthUser } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import type { HttpApp } from '../../shared/http/app.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';
import { FAKE_USERS, fakeBearer, readJson, type FakeCtxParts } from '../helpers/fake-ctx.ts';
import { insertUser, notesHttpApp, redisCache } from '../helpers/notes.ts';
import { deleteRedisPrefix } from '../helpers/redis.ts';

/**
 * The Notes JSON API through the platform's HTTP app (validation, auth, error mapping) on a real
 * database and Redis. Callers authenticate with the fake bearer tokens of FAKE_USERS (a `user`
 * and an `admin`); `other` is a second owner whose tasks are arranged in the database.
 */

const { user, admin } = FAKE_USERS;
const INJECTIONS = [
  "Robert'); drop table notes.tasks; --",
  "' or '1'='1",
  '1; delete from auth.users where true; --',
  '$1 $$ \\x00 ); select pg_sleep(10); --',
];

describe.each(dbBackends)('Notes API on %s', (backend) => {
  let testDb: TestDb;
  let db: Db;
  let cache: Cache;
  let prefix: string;
  let app: HttpApp;
  let fakes: FakeCtxParts;
  let other: AuthUser;

  beforeAll(async () => {
    testDb = await createTestDb(backend);
    db = testDb.db;
    ({ cache, prefix } = redisCache());
    await insertUser(db, user);
    await insertUser(db, admin);
    other = await insertUser(db, { email: 'other@example.com' });
    ({ app, ...fakes } = await notesHttpApp(db, cache));
  }, 60_000);
  afterAll(async () => {
    await cache?.close();
    await deleteRedisPrefix(prefix);
    await testDb?.drop();
  });

  async function call(method: string, path: string, as: AuthUser | undefined, body?: unknown) {
    const headers: Record<string, string> = as ? fakeBearer(as) : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    return app.request(`/notes${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  async function createAs(as: AuthUser, body: unknown) {
    const res = await call('POST', '/api/tasks', as, body);
    expect(res.status).toBe(201);
    return readJson(res);
  }

  async function taskOfOther(title = 'other owner task') {
    const { rows } = await db.query<{ id: string }>(
      `insert into notes.tasks (owner_id, title) values ($1, $2) returning id`,
      [other.id, title],
    );
    return rows[0]!.id;
  }

  it('answers 401 without credentials and 403 to a user on the admins-only stats', async () => {
    expect((await call('GET', '/api/tasks', undefined)).status).toBe(401);
    expect((await call('POST', '/api/tasks', undefined, { title: 'x' })).status).toBe(401);
    expect((await call('GET', '/api/stats', user)).status).toBe(403);
    expect((await call('GET', '/api/stats', admin)).status).toBe(200);
  });

  it('creates a task owned by the caller, with defaults', async () => {
    const task = await createAs(user, { title: '  Buy milk  ' });
    expect(task).toMatchObject({ ownerId: user.id, title: 'Buy milk', description: '', status: 'todo' });
    const res = await call('GET', `/api/tasks/${task.id}`, user);
    expect(await readJson(res)).toEqual(task);
  });

  it('ignores id, owner_id, role and created_at in a create and in a change', async () => {
    const chosenId = '11111111-1111-4111-8111-111111111111';
    const task = await createAs(user, {
      title: 'mine',
      id: chosenId,
      owner_id: other.id,
      ownerId: other.id,
      role: 'admin',
      created_at: '2000-01-01T00:00:00Z',
    });
    expect(task.id).not.toBe(chosenId);
    expect(task.ownerId).toBe(user.id);
    expect(new Date(task.createdAt).getFullYear()).toBeGreaterThan(2000);

    const patched = await readJson(
      await call('PATCH', `/api/tasks/${task.id}`, user, {
        title: 'renamed',
        owner_id: other.id,
        id: chosenId,
      }),
    );
    expect(patched).toMatchObject({ id: task.id, ownerId: user.id, title: 'renamed' });

    // Only unknown fields: nothing to change is a 400, and nothing changed.
    const res = await call('PATCH', `/api/tasks/${task.id}`, user, { owner_id: other.id, role: 'admin' });
    expect(res.status).toBe(400);
    const { rows } = await db.query<{ owner_id: string; role: string }>(
      `select t.owner_id, u.role from notes.tasks t join auth.users u on u.id = $2 where t.id = $1`,
      [task.id, user.id],
    );
    expect(rows[0]).toEqual({ owner_id: user.id, role: 'user' });
  });

  it("hides another owner's task: 404 to read, change or delete it, and it stays as it was", async () => {
    const id = await taskOfOther('untouchable');
    expect((await call('GET', `/api/tasks/${id}`, user)).status).toBe(404);
    expect((await call('PATCH', `/api/tasks/${id}`, user, { title: 'hijacked' })).status).toBe(404);
    expect((await call('DELETE', `/api/tasks/${id}`, user)).status).toBe(404);
    // The same answer as for a task that never existed.
    const missing = await call('GET', `/api/tasks/22222222-2222-4222-8222-222222222222`, user);
    expect(missing.status).toBe(404);
    const { rows } = await db.query<{ title: string }>('select title from notes.tasks where id = $1', [id]);
    expect(rows).toEqual([{ title: 'untouchable' }]);

    const list = await readJson(await call('GET', '/api/tasks?limit=100', user));
    expect(list.items.map((t: { id: string }) => t.id)).not.toContain(id);
    expect(list.items.every((t: { ownerId: string }) => t.ownerId === user.id)).toBe(true);
  });

  it("lets an admin read, change and delete any owner's task, and list another owner's tasks", async () => {
    const id = await taskOfOther('for the admin');
    expect(await readJson(await call('GET', `/api/tasks/${id}`, admin))).toMatchObject({ ownerId: other.id });
    const patched = await readJson(await call('PATCH', `/api/tasks/${id}`, admin, { status: 'done' }));
    expect(patched).toMatchObject({ id, ownerId: other.id, status: 'done' });

    const list = await readJson(await call('GET', `/api/tasks?owner_id=${other.id}&status=done`, admin));
    expect(list.items.map((t: { id: string }) => t.id)).toContain(id);
    expect(list.items.every((t: { ownerId: string }) => t.ownerId === other.id)).toBe(true);
    // Without owner_id an admin sees their own.
    const own = await readJson(await call('GET', '/api/tasks', admin));
    expect(own.items.every((t: { ownerId: string }) => t.ownerId === admin.id)).toBe(true);

    expect((await call('DELETE', `/api/tasks/${id}`, admin)).status).toBe(204);
    expect((await db.query('select 1 from notes.tasks where id = $1', [id])).rowCount).toBe(0);
  });

  it("refuses a user's owner_id of someone else with 403", async () => {
    expect((await call('GET', `/api/tasks?owner_id=${other.id}`, user)).status).toBe(403);
    expect((await call('GET', `/api/tasks?owner_id=${user.id}`, user)).status).toBe(200);
  });

  it('lists newest first with status filter, limit and offset, and the total', async () => {
    const owner = await insertUser(db, { email: 'lister@example.com' });
    for (let i = 0; i < 5; i++) {
      await db.query(
        `insert into notes.tasks (owner_id, title, status, created_at) values ($1, $2, $3, now() - make_interval(mins => $4))`,
        [owner.id, `t${i}`, i % 2 === 0 ? 'todo' : 'done', 10 - i],
      );
    }
    const asAdmin = (query: string) =>
      call('GET', `/api/tasks?owner_id=${owner.id}&${query}`, admin).then(readJson);
    const page = await asAdmin('limit=2&offset=1');
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.items.map((t: { title: string }) => t.title)).toEqual(['t3', 't2']);
    expect((await asAdmin('status=done')).items.map((t: { title: string }) => t.title)).toEqual(['t3', 't1']);
    expect(await asAdmin('offset=50')).toMatchObject({ items: [], total: 5 });
  });

  it('refuses bad paging, filters and ids with 400', async () => {
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'status=archived', 'owner_id=nope']) {
      const res = await call('GET', `/api/tasks?${query}`, user);
      expect(res.status, query).toBe(400);
    }
    expect((await call('GET', '/api/tasks/not-a-uuid', user)).status).toBe(400);
    expect((await call('POST', '/api/tasks', user, { title: '' })).status).toBe(400);
    expect((await call('POST', '/api/tasks', user, { title: 'x'.repeat(201) })).status).toBe(400);
    expect(
      (await call('POST', '/api/tasks', user, { title: 'x', description: 'y'.repeat(2001) })).status,
    ).toBe(400);
    expect((await call('POST', '/api/tasks', user, { title: 'x', status: 'archived' })).status).toBe(400);
  });

  it('stores SQL-injection text verbatim and refuses it where a value is constrained', async () => {
    const before = (await db.query<{ n: number }>('select count(*)::int as n from auth.users')).rows[0]!.n;
    for (const text of INJECTIONS) {
      const task = await createAs(user, { title: text, description: text });
      expect(await readJson(await call('GET', `/api/tasks/${task.id}`, user))).toMatchObject({
        title: text,
        description: text,
      });
    }
    for (const text of INJECTIONS) {
      const query = new URLSearchParams({ status: text, owner_id: text }).toString();
      expect((await call('GET', `/api/tasks?${query}`, user)).status).toBe(400);
      expect((await call('GET', `/api/tasks/${encodeURIComponent(text)}`, user)).status).toBe(400);
    }
    // Nothing was dropped or deleted.
    expect((await db.query<{ n: number }>('select count(*)::int as n from auth.users')).rows[0]!.n).toBe(
      before,
    );
    const stored = await db.query<{ title: string }>(
      'select title from notes.tasks where owner_id = $1 and title = any($2::text[])',
      [user.id, INJECTIONS],
    );
    expect(stored.rows.map((r) => r.title).sort()).toEqual([...INJECTIONS].sort());
  });

  it('gives owners their own counts and admins every owner with totals', async () => {
    const owner = await insertUser(db, { email: 'counts@example.com' });
    await db.query(
      `insert into notes.tasks (owner_id, title, status) values ($1, 'a', 'todo'), ($1, 'b', 'done'), ($1, 'c', 'done'), ($1, 'd', 'in_progress')`,
      [owner.id],
    );
    const mine = await readJson(await call('GET', '/api/stats/me', user));
    expect(mine.ownerId).toBe(user.id);

    const all = await readJson(await call('GET', '/api/stats', admin));
    const row = all.owners.find((o: { ownerId: string }) => o.ownerId === owner.id);
    expect(row).toEqual({
      ownerId: owner.id,
      email: 'counts@example.com',
      total: 4,
      todo: 1,
      inProgress: 1,
      done: 2,
      completionRate: 0.5,
    });
    const { rows } = await db.query<{ users: number; tasks: number }>(
      'select (select count(*)::int from auth.users) as users, (select count(*)::int from notes.tasks) as tasks',
    );
    expect(all.totals).toMatchObject({ owners: rows[0]!.users, total: rows[0]!.tasks });
    expect(all.owners.map((o: { email: string }) => o.email)).toContain(user.email);
  });

  it('queues a report for oneself (202 with links), for anyone as admin, and refuses others with 403', async () => {
    const res = await call('POST', '/api/jobs/task-report', user, { owner_id: user.id });
    expect(res.status).toBe(202);
    const body = await readJson(res);
    expect(body).toEqual({
      ok: true,
      queued: true,
      kind: 'notes_task_report',
      jobId: expect.any(String),
      links: { job: `/jobs/${body.jobId}`, report: `/notes/api/jobs/task-report/${user.id}` },
    });
    expect(fakes.queue.published.at(-1)).toMatchObject({
      kind: 'notes_task_report',
      payload: { ownerId: user.id },
      jobId: body.jobId,
    });

    // No body: the caller's own report.
    expect((await call('POST', '/api/jobs/task-report', user, {})).status).toBe(202);
    expect(fakes.queue.published.at(-1)?.payload).toEqual({ ownerId: user.id });

    const published = fakes.queue.published.length;
    expect((await call('POST', '/api/jobs/task-report', user, { owner_id: other.id })).status).toBe(403);
    expect(fakes.queue.published).toHaveLength(published);
    expect((await call('POST', '/api/jobs/task-report', admin, { owner_id: other.id })).status).toBe(202);
  });

  it('answers 503 when the queue is down', async () => {
    const { QueueUnavailableError } = await import('../../shared/errors.ts');
    fakes.queue.failWith = new QueueUnavailableError('broker down');
    try {
      expect((await call('POST', '/api/jobs/task-report', user, {})).status).toBe(503);
    } finally {
      fakes.queue.failWith = undefined;
    }
  });

  it("reads the latest report: 404 before one exists, 403 for another owner's as a user", async () => {
    const owner = await insertUser(db, { email: 'reported@example.com' });
    expect((await call('GET', `/api/jobs/task-report/${owner.id}`, admin)).status).toBe(404);
    await db.query(
      `insert into notes.task_reports (owner_id, total, todo, in_progress, done, completion_rate, recent_activity)
       values ($1, 2, 1, 0, 1, 0.5, '{"windowDays":7,"created":2,"updated":0,"lastChanges":[]}')`,
      [owner.id],
    );
    const report = await readJson(await call('GET', `/api/jobs/task-report/${owner.id}`, admin));
    expect(report).toMatchObject({ ownerId: owner.id, total: 2, done: 1, completionRate: 0.5, jobId: null });
    expect((await call('GET', `/api/jobs/task-report/${owner.id}`, user)).status).toBe(403);
  });
});

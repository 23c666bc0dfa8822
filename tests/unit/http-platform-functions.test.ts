import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeHttpApp, FAKE_USERS, fakeBearer, readJson } from '../helpers/fake-ctx.ts';

const QUEUE = 'demo.work';
// Jobs of anyone, dead letters and queue details are for admins (access-http.test.ts covers who else).
const AS_ADMIN = { headers: fakeBearer(FAKE_USERS.admin) };
let t: Awaited<ReturnType<typeof createFakeHttpApp>>;
beforeEach(async () => {
  t = await createFakeHttpApp({}, { queues: [QUEUE, 'demo.other'] });
});

describe('GET /healthz', () => {
  it('answers ok without touching dependencies', async () => {
    t.db.pingError = new Error('db down');
    t.queueAdmin.checkError = new Error('broker down');
    const res = await t.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is ready when the database and the broker answer', async () => {
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ status: 'ready', checks: { db: 'ok', queue: 'ok' } });
  });

  it('answers 503 with the failing check message when the queue check throws', async () => {
    t.queueAdmin.checkError = new Error('connect ECONNREFUSED 127.0.0.1:5672');
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await readJson(res)).toEqual({
      status: 'unavailable',
      checks: { db: 'ok', queue: 'connect ECONNREFUSED 127.0.0.1:5672' },
    });
  });

  it('answers 503 when the database ping fails', async () => {
    t.db.pingError = new Error('terminating connection');
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(503);
    expect((await readJson(res)).checks).toEqual({ db: 'terminating connection', queue: 'ok' });
  });

  it('gives up on a check that hangs after 2 s', async () => {
    vi.useFakeTimers();
    t.queueAdmin.checkHangs = true;
    const pending = t.app.request('/readyz');
    await vi.advanceTimersByTimeAsync(2000);
    const res = await pending;
    expect(res.status).toBe(503);
    expect((await readJson(res)).checks.queue).toBe('queue did not answer within 2000 ms');
  });
});

describe('GET /jobs/:id', () => {
  it('returns the job', async () => {
    const job = t.jobs.add({ kind: 'scrape', status: 'succeeded', attempts: 1, result: { rows: 3 } });
    const res = await t.app.request(`/jobs/${job.id}`, AS_ADMIN);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual(job);
  });

  it('answers 404 for an unknown id', async () => {
    const res = await t.app.request('/jobs/6f1c1b1e-8a9f-4f54-9d0e-2a4b5c6d7e8f', AS_ADMIN);
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.code).toBe('NOT_FOUND');
  });

  it.each([['not-a-uuid'], ["' OR 1=1 --"], ['6f1c1b1e-8a9f-4f54-9d0e-2a4b5c6d7e8f; DROP TABLE jobs']])(
    'answers 400 for a malformed id (%s)',
    async (id) => {
      const res = await t.app.request(`/jobs/${encodeURIComponent(id)}`, AS_ADMIN);
      expect(res.status).toBe(400);
      const { error } = await readJson(res);
      expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'params.id' }] });
    },
  );
});

describe('GET /queues/:queue/dead-letters', () => {
  it('lists dead messages, 20 by default', async () => {
    t.queueAdmin.addDead(QUEUE, 25);
    const res = await t.app.request(`/queues/${QUEUE}/dead-letters`, AS_ADMIN);
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.queue).toBe(QUEUE);
    expect(body.messages).toHaveLength(20);
    expect(body.messages[0]).toMatchObject({ deadId: `${QUEUE}#0`, error: 'boom 0' });
  });

  it('honours limit', async () => {
    t.queueAdmin.addDead(QUEUE, 5);
    const res = await t.app.request(`/queues/${QUEUE}/dead-letters?limit=2`, AS_ADMIN);
    expect((await readJson(res)).messages).toHaveLength(2);
  });

  it.each([['0'], ['101'], ['2.5'], ['ten'], ["1' OR '1'='1"]])('answers 400 for limit=%s', async (limit) => {
    const res = await t.app.request(
      `/queues/${QUEUE}/dead-letters?limit=${encodeURIComponent(limit)}`,
      AS_ADMIN,
    );
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.details[0].path).toBe('query.limit');
  });

  it('answers 404 for a queue that is not declared, however it is spelled', async () => {
    for (const name of ['nope', "demo.work' OR 1=1 --"]) {
      const res = await t.app.request(`/queues/${encodeURIComponent(name)}/dead-letters`, AS_ADMIN);
      expect(res.status).toBe(404);
    }
  });
});

describe('POST /queues/:queue/dead-letters/replay', () => {
  const replay = (body: unknown, queue = QUEUE) =>
    t.app.request(`/queues/${queue}/dead-letters/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...fakeBearer(FAKE_USERS.admin) },
      body: JSON.stringify(body),
    });

  it('replays the chosen ids', async () => {
    t.queueAdmin.addDead(QUEUE, 3);
    const res = await replay({ ids: [`${QUEUE}#1`] });
    expect(await readJson(res)).toEqual({ queue: QUEUE, replayed: 1 });
    expect(t.queueAdmin.dead.get(QUEUE)!.map((m) => m.deadId)).toEqual([`${QUEUE}#0`, `${QUEUE}#2`]);
  });

  it('replays up to limit, or everything without a body', async () => {
    t.queueAdmin.addDead(QUEUE, 4);
    expect(await readJson(await replay({ limit: 3 }))).toEqual({ queue: QUEUE, replayed: 3 });
    const res = await t.app.request(`/queues/${QUEUE}/dead-letters/replay`, {
      method: 'POST',
      headers: fakeBearer(FAKE_USERS.admin),
    });
    expect(await readJson(res)).toEqual({ queue: QUEUE, replayed: 1 });
  });

  it('rejects a limit out of range and an empty id list', async () => {
    expect((await replay({ limit: 1001 })).status).toBe(400);
    expect((await replay({ ids: [] })).status).toBe(400);
  });

  it('answers 404 for an unknown queue', async () => {
    expect((await replay({}, 'nope')).status).toBe(404);
  });

  it('needs an admin: 401 without a token, 403 for a user, and replays nothing', async () => {
    t.queueAdmin.addDead(QUEUE, 2);
    const post = (headers: Record<string, string>) =>
      t.app.request(`/queues/${QUEUE}/dead-letters/replay`, { method: 'POST', headers });
    const anonymous = await post({});
    expect(anonymous.status).toBe(401);
    expect((await readJson(anonymous)).error.code).toBe('UNAUTHORIZED');
    expect((await post(fakeBearer(FAKE_USERS.user))).status).toBe(403);
    expect((await post({ authorization: 'Bearer forged' })).status).toBe(401);
    expect((await t.queueAdmin.listDead(QUEUE, 10)).length).toBe(2);
  });
});

describe('GET /queues', () => {
  it('lists every queue with its depth, the driver, and what waits in the outbox', async () => {
    t.queueAdmin.addDead('demo.other', 2);
    t.queueAdmin.outboxBacklog = { pending: 3, lagSeconds: 1.5 };
    const res = await t.app.request('/queues', AS_ADMIN);
    expect(await readJson(res)).toEqual({
      driver: 'memory',
      queues: [
        { name: QUEUE, depth: { ready: 0, delayed: 0, dead: 0 } },
        { name: 'demo.other', depth: { ready: 0, delayed: 0, dead: 2 } },
      ],
      outbox: { pending: 3, lagSeconds: 1.5 },
    });
  });

  it('still shows the outbox when the broker does not answer, and says why the depths are missing', async () => {
    t.queueAdmin.outboxBacklog = { pending: 7, lagSeconds: 12 };
    t.queueAdmin.depthError = new Error('connect ECONNREFUSED 127.0.0.1:5672');
    try {
      const res = await t.app.request('/queues', AS_ADMIN);
      expect(res.status).toBe(200);
      expect(await readJson(res)).toMatchObject({
        queues: expect.arrayContaining([{ name: QUEUE, depth: null }]),
        brokerError: 'connect ECONNREFUSED 127.0.0.1:5672',
        outbox: { pending: 7, lagSeconds: 12 },
      });
    } finally {
      t.queueAdmin.depthError = undefined;
    }
  });
});

describe('the console', () => {
  const page = async (query = '') => {
    const res = await t.app.request(`/console${query}`, {
      headers: { ...AS_ADMIN.headers, accept: 'text/html' },
    });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('shows every queue with its dead letters, the outbox, and the jobs the search asks for', async () => {
    t.queueAdmin.addDead('demo.other', 3);
    t.queueAdmin.outboxBacklog = { pending: 2, lagSeconds: 9 };
    t.jobs.add({ kind: 'people.sync_users', status: 'dead', error: 'provider answered 503 five times' });
    t.jobs.add({ kind: 'notes_task_report', status: 'succeeded' });
    const html = await page('?state=problems');
    expect(html).toContain('demo.other');
    expect(html).toContain('Replay 3');
    expect(html).toContain('action="/console/queues/demo.other/replay"');
    expect(html).toContain('2 waiting, the oldest for 9 s');
    expect(html).toContain('provider answered 503 five times');
    expect(html).not.toContain('notes_task_report');
    expect(html).toContain('href="/console"'); // the navigation bar's link, for admins
  });

  it('still shows the outbox and the jobs when the broker does not answer', async () => {
    t.queueAdmin.depthError = new Error('connect ECONNREFUSED 127.0.0.1:5672');
    try {
      const html = await page();
      expect(html).toContain('The broker does not answer (connect ECONNREFUSED 127.0.0.1:5672)');
      expect(html).toContain('Outbox: empty');
    } finally {
      t.queueAdmin.depthError = undefined;
    }
  });

  it("replays a queue's dead letters from its button, and says how many", async () => {
    t.queueAdmin.addDead(QUEUE, 2);
    const res = await t.app.request(`/console/queues/${QUEUE}/replay`, { method: 'POST', ...AS_ADMIN });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
    expect((await t.queueAdmin.depth(QUEUE)).dead).toBe(0);
    expect((await t.queueAdmin.depth(QUEUE)).ready).toBe(2);
    const unknown = await t.app.request('/console/queues/nope/replay', { method: 'POST', ...AS_ADMIN });
    expect(unknown.status).toBe(404);
  });

  it('is for admins only', async () => {
    expect((await t.app.request('/console', { headers: fakeBearer(FAKE_USERS.user) })).status).toBe(403);
    expect((await t.app.request('/console/api/jobs', { headers: fakeBearer(FAKE_USERS.user) })).status).toBe(
      403,
    );
  });
});

describe("the console's API", () => {
  it('answers the queue and dead-letter routes under /console/api as under their old paths', async () => {
    t.queueAdmin.addDead(QUEUE, 2);
    for (const [old, moved] of [
      ['/queues', '/console/api/queues'],
      [`/queues/${QUEUE}/dead-letters`, `/console/api/queues/${QUEUE}/dead-letters`],
    ]) {
      const [a, b] = await Promise.all([t.app.request(old!, AS_ADMIN), t.app.request(moved!, AS_ADMIN)]);
      expect(b.status, moved).toBe(200);
      expect(await readJson(b)).toEqual(await readJson(a));
    }
    const replay = await t.app.request(`/console/api/queues/${QUEUE}/dead-letters/replay`, {
      method: 'POST',
      headers: { ...AS_ADMIN.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 1 }),
    });
    expect(await readJson(replay)).toEqual({ queue: QUEUE, replayed: 1 });
    expect(
      (await t.app.request('/console/api/queues', { headers: fakeBearer(FAKE_USERS.user) })).status,
    ).toBe(403);
  });
});

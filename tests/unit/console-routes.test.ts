import { beforeEach, describe, expect, it } from 'vitest';
import { decodeFlash } from '../../shared/http/flash.ts';
import { createFakeHttpApp, FAKE_USERS, fakeBearer, readJson } from '../helpers/fake-ctx.ts';

/**
 * The console's job page, dead-letter pages and schedules, over fakes: what each button does, the
 * confirmation a purge asks for, the refusals a form turns into a message, and the record kept of
 * every action. (The same routes on real drivers: tests/integration/console-*.test.ts.)
 */
const QUEUE = 'demo.work';
const ADMIN = fakeBearer(FAKE_USERS.admin);
const FORM = { ...ADMIN, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const JSON_BODY = { ...ADMIN, 'content-type': 'application/json' };
let t: Awaited<ReturnType<typeof createFakeHttpApp>>;
beforeEach(async () => {
  t = await createFakeHttpApp({}, { queues: [QUEUE] });
});

const post = (path: string, headers: Record<string, string>, body = '') =>
  t.app.request(path, { method: 'POST', headers, body });
const flashOf = (res: Response) =>
  decodeFlash(/(?:^|[\s,])(?:__Host-)?flash=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]);
const page = async (path: string) => {
  const res = await t.app.request(path, { headers: { ...ADMIN, accept: 'text/html' } });
  expect(res.status, path).toBe(200);
  return res.text();
};

describe("a job's page", () => {
  it('tells the story: each attempt with its error and the delay before the next, then the log lines', async () => {
    const job = t.jobs.add({ kind: 'people.sync_users', status: 'dead', attempts: 2, error: 'provider 503' });
    t.jobs.stories.set(job.id, {
      timeline: [
        {
          type: 'attempt',
          attempt: 1,
          startedAt: '2026-12-05T10:00:00.000Z',
          finishedAt: '2026-12-05T10:00:01.500Z',
          outcome: 'failed',
          error: 'provider 503',
          retryInMs: 2000,
        },
        {
          type: 'attempt',
          attempt: 2,
          startedAt: '2026-12-05T10:00:03.500Z',
          finishedAt: '2026-12-05T10:00:03.750Z',
          outcome: 'dead',
          error: 'provider 503',
        },
      ],
      logLines: [
        {
          at: '2026-12-05T10:00:00.100Z',
          attempt: 1,
          level: 'info',
          msg: 'fetching page 1',
          fields: '{"page":1}',
        },
      ],
    });
    const html = await page(`/console/jobs/${job.id}`);
    expect(html).toContain('Attempt 1: failed');
    expect(html).toContain('after 1.50 s');
    expect(html).toContain('next attempt 2.0 s later');
    expect(html).toContain('Attempt 2: dead');
    expect(html).toContain('fetching page 1');
    expect(html).toContain('{&quot;page&quot;:1}');
    expect(html).toContain(`action="/console/api/jobs/${job.id}/retry"`);
    expect(html).not.toContain('/cancel"');
    // A finished job's page does not poll.
    expect(html).not.toContain('hx-trigger="every 2s"');
  });

  it('follows a job that is still running, and offers to cancel one that waits', async () => {
    const queued = t.jobs.add({ kind: 'notes_task_report', status: 'queued' });
    const html = await page(`/console/jobs/${queued.id}`);
    expect(html).toContain('hx-trigger="every 2s"');
    expect(html).toContain(`action="/console/api/jobs/${queued.id}/cancel"`);
  });

  it('retries from its button: back to the page with a message, the job queued again, the action recorded', async () => {
    const job = t.jobs.add({ kind: 'people.sync_users', status: 'dead', error: 'provider 503' });
    const res = await post(`/console/api/jobs/${job.id}/retry`, FORM);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/jobs/${job.id}`);
    expect(flashOf(res)).toEqual([{ type: 'success', message: expect.stringMatching(/^Queued again/) }]);
    expect(t.jobs.byId.get(job.id)!.status).toBe('queued');
    expect(t.queue.published.at(-1)).toMatchObject({ kind: 'people.sync_users', jobId: job.id });
    expect(t.operator.actions).toEqual([
      expect.objectContaining({ actor: 'admin@example.com', action: 'retry', target: `job ${job.id}` }),
    ]);
  });

  it('turns a refusal into a message on the page, and into a 409 for a script', async () => {
    const job = t.jobs.add({ kind: 'people.sync_users', status: 'succeeded' });
    const form = await post(`/console/api/jobs/${job.id}/retry`, FORM);
    expect(form.status).toBe(303);
    expect(flashOf(form)[0]).toMatchObject({ type: 'error' });
    const api = await post(`/console/api/jobs/${job.id}/retry`, JSON_BODY, '{}');
    expect(api.status).toBe(409);
    expect(t.operator.actions).toEqual([]);
  });

  it('answers scripts: the job with its story, a retry as the 202 trigger answer, a cancel as the job', async () => {
    const dead = t.jobs.add({ kind: 'people.sync_users', status: 'dead' });
    const detail = await readJson(await t.app.request(`/console/api/jobs/${dead.id}`, { headers: ADMIN }));
    expect(detail).toMatchObject({ id: dead.id, timeline: [], logLines: [] });
    const retried = await post(`/console/api/jobs/${dead.id}/retry`, JSON_BODY, '{}');
    expect(retried.status).toBe(202);
    expect(await readJson(retried)).toEqual({
      ok: true,
      queued: true,
      kind: 'people.sync_users',
      jobId: dead.id,
    });
    const cancelled = await post(`/console/api/jobs/${dead.id}/cancel`, JSON_BODY, '{}');
    expect(cancelled.status).toBe(200);
    expect(await readJson(cancelled)).toMatchObject({ id: dead.id, status: 'cancelled' });
  });
});

describe("a queue's dead letters", () => {
  it('lists each with its reason and its body, readable', async () => {
    t.queueAdmin.addDead(QUEUE, 2);
    const html = await page(`/console/queues/${QUEUE}`);
    expect(html).toContain('boom 0');
    expect(html).toContain('{&quot;n&quot;:1}');
    expect(html).toContain(`value="${QUEUE}#1"`);
    expect(await page('/console')).toContain(`href="/console/queues/${QUEUE}"`);
  });

  it('replays only the picked ones, and refuses "selected" with nothing picked', async () => {
    t.queueAdmin.addDead(QUEUE, 3);
    const picked = await post(
      `/console/queues/${QUEUE}/replay`,
      FORM,
      `scope=selected&ids=${encodeURIComponent(`${QUEUE}#1`)}&next=${encodeURIComponent(`/console/queues/${QUEUE}`)}`,
    );
    expect(picked.status).toBe(303);
    expect(picked.headers.get('location')).toBe(`/console/queues/${QUEUE}`);
    expect((await t.queueAdmin.listDead(QUEUE, 10)).map((d) => d.deadId)).toEqual([
      `${QUEUE}#0`,
      `${QUEUE}#2`,
    ]);

    const none = await post(`/console/queues/${QUEUE}/replay`, FORM, 'scope=selected');
    expect(flashOf(none)[0]).toMatchObject({
      type: 'error',
      message: 'Pick at least one dead letter first.',
    });
    expect(await t.queueAdmin.listDead(QUEUE, 10)).toHaveLength(2);
    expect(t.operator.actions.map((a) => [a.action, a.count])).toEqual([['replay', 1]]);
  });

  it('asks before it purges, then purges and says how many', async () => {
    t.queueAdmin.addDead(QUEUE, 3);
    const purge = `/console/api/queues/${QUEUE}/dead-letters/purge`;
    const ask = await post(purge, FORM, '');
    expect(ask.status).toBe(200);
    const question = await ask.text();
    expect(question).toContain('every dead letter (3)');
    expect(question).toContain('name="confirm" value="yes"');
    expect(await t.queueAdmin.listDead(QUEUE, 10)).toHaveLength(3);

    const done = await post(purge, FORM, 'confirm=yes&scope=all');
    expect(done.status).toBe(303);
    expect(flashOf(done)[0]!.message).toBe(`Deleted 3 dead letters of ${QUEUE}.`);
    expect(await t.queueAdmin.listDead(QUEUE, 10)).toEqual([]);
    expect(t.operator.actions).toEqual([
      expect.objectContaining({ action: 'purge', target: QUEUE, count: 3 }),
    ]);
  });

  it('purges the picked ones for a script at once, and refuses an empty pick', async () => {
    t.queueAdmin.addDead(QUEUE, 2);
    const purge = `/console/api/queues/${QUEUE}/dead-letters/purge`;
    const res = await post(purge, JSON_BODY, JSON.stringify({ ids: [`${QUEUE}#0`] }));
    expect(await readJson(res)).toEqual({ queue: QUEUE, purged: 1 });
    expect((await post(purge, JSON_BODY, JSON.stringify({ ids: [] }))).status).toBe(400);
    expect((await post(purge, JSON_BODY, JSON.stringify({ scope: 'selected' }))).status).toBe(400);
    expect(await t.queueAdmin.listDead(QUEUE, 10)).toHaveLength(1);
  });
});

describe('schedules', () => {
  beforeEach(() => {
    t.operator.schedulesList = [
      {
        name: 'people-sync-users-schedule',
        publishes: 'people.sync_users',
        cron: '0 * * * *',
        lastRun: null,
      },
    ];
  });

  it('are listed with their cron, next run and a Run now button', async () => {
    const html = await page('/console');
    expect(html).toContain('0 * * * *');
    const nextHour = new Date(Math.ceil((Date.now() + 1) / 3_600_000) * 3_600_000).toISOString();
    expect(html).toContain(`${nextHour.slice(0, 16).replace('T', ' ')} UTC`);
    expect(html).toContain('action="/console/api/schedules/people-sync-users-schedule/run"');
    const listed = await readJson(await t.app.request('/console/api/schedules', { headers: ADMIN }));
    expect(listed).toEqual([expect.objectContaining({ name: 'people-sync-users-schedule', lastRun: null })]);
  });

  it('run now: the job page of the job it fired, or 202 for a script; 404 for an unknown one', async () => {
    const form = await post('/console/api/schedules/people-sync-users-schedule/run', FORM);
    expect(form.status).toBe(303);
    const [job] = [...t.jobs.byId.values()];
    expect(job).toMatchObject({ kind: 'people.sync_users' });
    expect(form.headers.get('location')).toBe(`/console/jobs/${job!.id}`);
    const api = await post('/console/api/schedules/people-sync-users-schedule/run', JSON_BODY, '{}');
    expect(api.status).toBe(202);
    expect((await post('/console/api/schedules/nope/run', JSON_BODY, '{}')).status).toBe(404);
    expect(t.operator.actions.map((a) => a.action)).toEqual(['run', 'run']);
  });
});

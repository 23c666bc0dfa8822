import { beforeEach, describe, expect, it } from 'vitest';
import pullData from '../../functions/gradcafe/pull-data.ts';
import updateAnalysis from '../../functions/gradcafe/update-analysis.ts';
import { decodeFlash, FLASH_COOKIE } from '../../shared/http/flash.ts';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { createFakeHttpApp, FAKE_USERS, fakeBearer, readJson } from '../helpers/fake-ctx.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: Awaited<ReturnType<typeof createFakeHttpApp>>;
beforeEach(async () => {
  t = await createFakeHttpApp({
    'functions/gradcafe/pull-data.ts': pullData,
    'functions/gradcafe/update-analysis.ts': updateAnalysis,
  });
});

// Triggering needs an admin. These route tests authenticate with the fake admin's bearer token;
// browser sessions with CSRF are tested end to end (tests/integration/auth-http.test.ts).
const ADMIN = fakeBearer(FAKE_USERS.admin);

const postJson = (path: string, body: unknown = {}, auth: Record<string, string> = ADMIN) =>
  t.app.request(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', accept: 'application/json', ...auth },
  });

const postForm = (path: string, fields: Record<string, string> = {}, auth: Record<string, string> = ADMIN) =>
  t.app.request(path, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,*/*;q=0.8', ...auth },
  });

describe('who may trigger GradCafe jobs', () => {
  for (const path of ['/gradcafe/pull-data', '/gradcafe/update-analysis']) {
    it(`${path}: 401 for an anonymous API call, 403 for a user, and nothing is queued`, async () => {
      const anonymous = await postJson(path, {}, {});
      expect(anonymous.status).toBe(401);
      expect((await readJson(anonymous)).error.code).toBe('UNAUTHORIZED');
      const user = await postJson(path, {}, fakeBearer(FAKE_USERS.user));
      expect(user.status).toBe(403);
      expect((await readJson(user)).error.code).toBe('FORBIDDEN');
      expect(t.queue.published).toEqual([]);
    });

    it(`${path}: a page that needs an admin sends the browser to the login page`, async () => {
      const res = await postForm(path, {}, fakeBearer(FAKE_USERS.user));
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/auth/login');
      expect(flashOf(res)).toEqual([{ type: 'error', message: 'That needs an admin account.' }]);
      expect(t.queue.published).toEqual([]);
    });
  }
});

function flashOf(res: Response) {
  const cookie = res.headers.get('set-cookie') ?? '';
  const value = new RegExp(`${FLASH_COOKIE}=([^;]*)`).exec(cookie)?.[1];
  return decodeFlash(value);
}

describe('POST /gradcafe/pull-data', () => {
  it('answers an API call with 202 and the job id, and publishes scrape_new_data', async () => {
    const res = await postJson('/gradcafe/pull-data');
    expect(res.status).toBe(202);
    const body = await readJson(res);
    expect(body).toEqual({
      ok: true,
      queued: true,
      kind: 'scrape_new_data',
      jobId: expect.stringMatching(UUID),
    });
    expect(t.queue.published).toEqual([
      expect.objectContaining({ kind: 'scrape_new_data', payload: {}, jobId: body.jobId }),
    ]);
  });

  it('passes `since` through as a number', async () => {
    await postJson('/gradcafe/pull-data', { since: 900123 });
    await postForm('/gradcafe/pull-data', { since: '900456' });
    expect(t.queue.published.map((m) => m.payload)).toEqual([{ since: 900123 }, { since: 900456 }]);
  });

  it('rejects a malformed `since` with 400 and publishes nothing', async () => {
    for (const since of ['abc', -5, '1; drop table x', 1.5]) {
      const res = await postJson('/gradcafe/pull-data', { since });
      expect(res.status).toBe(400);
    }
    expect(t.queue.published).toEqual([]);
  });

  it("answers 503 with the platform's error body when the broker is down, never its internal message", async () => {
    t.queue.failWith = new QueueUnavailableError('broker unreachable at amqp://10.0.0.7');
    const res = await postJson('/gradcafe/pull-data');
    expect(res.status).toBe(503);
    expect(await readJson(res)).toEqual({
      error: { code: 'QUEUE_UNAVAILABLE', message: 'Service unavailable', correlationId: expect.any(String) },
    });
  });

  it('redirects a browser form post back to the page with a success flash', async () => {
    const res = await postForm('/gradcafe/pull-data', { since: '' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/gradcafe/');
    expect(flashOf(res)).toEqual([{ type: 'success', message: expect.stringContaining('Pull queued') }]);
    expect(t.queue.published).toEqual([expect.objectContaining({ kind: 'scrape_new_data', payload: {} })]);
  });

  it('redirects a browser form post with an error flash when the broker is down', async () => {
    t.queue.failWith = new QueueUnavailableError('broker unreachable');
    const res = await postForm('/gradcafe/pull-data');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/gradcafe/');
    expect(flashOf(res)).toEqual([{ type: 'error', message: expect.stringContaining('unavailable') }]);
  });
});

describe('POST /gradcafe/update-analysis', () => {
  it('queues recompute_analytics with the given parameters', async () => {
    const res = await postJson('/gradcafe/update-analysis', { term: 'Fall 2025', degree: 'PhD' });
    expect(res.status).toBe(202);
    expect(await readJson(res)).toMatchObject({ ok: true, queued: true, kind: 'recompute_analytics' });
    expect(t.queue.published[0]).toMatchObject({
      kind: 'recompute_analytics',
      payload: { term: 'Fall 2025', degree: 'PhD' },
    });
  });

  it('takes the page form with blank fields as the defaults', async () => {
    const res = await postForm('/gradcafe/update-analysis', {
      term: '',
      university: '',
      program: '',
      degree: 'Masters',
    });
    expect(res.status).toBe(303);
    expect(flashOf(res)[0]?.type).toBe('success');
    expect(JSON.parse(JSON.stringify(t.queue.published[0]?.payload))).toEqual({ degree: 'Masters' });
  });

  it('rejects injection-looking parameters with 400', async () => {
    const res = await postJson('/gradcafe/update-analysis', {
      university: "x'; drop table gradcafe.applicants; --",
    });
    expect(res.status).toBe(400);
    expect(await readJson(res)).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
    expect(t.queue.published).toEqual([]);
  });

  it('answers 503 when the broker is down', async () => {
    t.queue.failWith = new QueueUnavailableError('no confirm');
    const res = await postJson('/gradcafe/update-analysis');
    expect(res.status).toBe(503);
    expect(await readJson(res)).toMatchObject({ error: { code: 'QUEUE_UNAVAILABLE' } });
  });
});

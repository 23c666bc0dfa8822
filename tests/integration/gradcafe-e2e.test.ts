import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import type { Job } from '../../shared/contract/index.ts';
import { createAuthServices } from '../../shared/auth/services.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { FAST_PASSWORDS } from '../helpers/auth.ts';
import { loadManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import { createPlatform, type Platform } from '../../shared/runtime/platform.ts';
import { startRunner, type Runner } from '../../shared/runtime/runner.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createCapturingLogger } from '../helpers/fake-ctx.ts';
import {
  createTestDriver,
  createUnreachableDriver,
  stacks,
  testLog,
  type TestDriver,
} from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * GradCafe through the whole runner (HTTP → job → broker → task → Postgres → page), on the
 * embedded stack and on real Postgres with RabbitMQ and with SQS, with the same test bodies.
 */
let manifest: Manifest;
beforeAll(async () => {
  manifest = await loadManifest();
});

describe.each(stacks)('GradCafe end to end on $name', (stack) => {
  let runner: Runner;
  let testDb: TestDb;
  let testDriver: TestDriver;
  // Triggering jobs needs an admin: these tests send an admin's bearer token (pages with sessions
  // and CSRF are tested in tests/integration/auth-http.test.ts).
  let admin: { authorization: string };
  const { log, lines } = createCapturingLogger('info');

  beforeAll(async () => {
    testDb = await createTestDb(stack.db);
    testDriver = await createTestDriver(stack.queue);
    const config = loadConfig({ ...testDriver.env, GRADCAFE_PULL_CRON: 'off' });
    const driver = testDriver.driver;
    const auth = createAuthServices({ db: testDb.db, config, passwordParams: FAST_PASSWORDS });
    const platform = createPlatform({ config, log, db: testDb.db, driver, manifest, auth });
    admin = await adminAuthorization(platform);
    runner = await startRunner(platform, {
      roles: ['web', 'worker', 'scheduler'],
      port: 0,
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await runner?.stop(); // closes the driver and the database too
    await testDriver?.cleanup(topologyOf(manifest).queues.map((q) => q.name));
    await testDb?.drop();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(runner.url + path, {
      ...init,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        ...admin,
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const finished = async (jobId: string) =>
    waitFor(
      async () => {
        const job = (await (await api(`/jobs/${jobId}`)).json()) as Job;
        return ['succeeded', 'failed', 'dead'].includes(job.status) && job;
      },
      { timeoutMs: 20_000, message: `job ${jobId} to finish` },
    );
  const applicantCount = async () =>
    Number(
      (await testDb.db.query<{ n: string }>('select count(*) as n from gradcafe.applicants')).rows[0]!.n,
    );

  it('pull-data answers 202, the task inserts what is new, and a repeated pull adds nothing', async () => {
    const pull = async (correlationId: string) => {
      const response = await api('/gradcafe/pull-data', {
        method: 'POST',
        headers: { 'x-correlation-id': correlationId },
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { jobId: string };
      expect(body).toMatchObject({ ok: true, queued: true, kind: 'scrape_new_data' });
      return finished(body.jobId);
    };

    // The first pull catches up with everything the feed has published so far.
    const first = await pull('e2e-pull-1');
    expect(first).toMatchObject({ status: 'succeeded', correlationId: 'e2e-pull-1' });
    const caughtUp = await applicantCount();
    expect((first.result as { inserted: number }).inserted).toBe(caughtUp);

    // The correlation id travelled HTTP → envelope → the task's logs.
    const taskLine = lines.find(
      (l) => l.function === 'gradcafe-scrape-new-data' && l.msg === 'task succeeded',
    );
    expect(taskLine).toMatchObject({ correlationId: 'e2e-pull-1', kind: 'scrape_new_data' });

    // The feed publishes 25 more: the next pull takes exactly those, the one after nothing.
    expect(
      (await api('/gradcafe/feed/release', { method: 'POST', body: JSON.stringify({ count: 25 }) })).status,
    ).toBe(200);
    const second = await pull('e2e-pull-2');
    expect(second).toMatchObject({ status: 'succeeded', result: { inserted: 25 } });
    const third = await pull('e2e-pull-3');
    expect(third).toMatchObject({ status: 'succeeded', result: { inserted: 0 } });
    expect(third.result).not.toHaveProperty('analysisJobId');
    expect(await applicantCount()).toBe(caughtUp + 25);

    // A pull that stored entries queued the standard analysis, which counted them: the page's
    // figures catch up without anyone pressing Update Analysis.
    const { analysisJobId } = second.result as { analysisJobId: string };
    const analysis = await finished(analysisJobId);
    expect(analysis).toMatchObject({
      status: 'succeeded',
      correlationId: 'e2e-pull-2',
      result: { totalEntries: caughtUp + 25 },
    });
    const standard = (await (await api('/gradcafe/api/analysis')).json()) as { jobId: string };
    expect(standard.jobId).toBe(analysisJobId);
  });

  it('update-analysis recomputes and the JSON API and the page show the result', async () => {
    const response = await api('/gradcafe/update-analysis', { method: 'POST', body: '{}' });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    expect(await finished(jobId)).toMatchObject({ status: 'succeeded' });

    const analysis = (await (await api('/gradcafe/api/analysis')).json()) as { computedAt: string };
    expect(Date.parse(analysis.computedAt)).toBeGreaterThan(Date.now() - 60_000);

    const page = await fetch(runner.url + '/gradcafe/', { headers: { accept: 'text/html', ...admin } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Pull Data');
    expect(html).toContain('Update Analysis');
  });

  it('a browser form post is redirected back to the page, which shows the flash once', async () => {
    const response = await fetch(runner.url + '/gradcafe/pull-data', {
      method: 'POST',
      redirect: 'manual',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...admin },
      body: '',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/gradcafe/');
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(runner.url + '/gradcafe/', { headers: { accept: 'text/html', cookie } });
    expect(await page.text()).toContain('Pull queued');
    expect(page.headers.get('set-cookie')).toMatch(/^flash=;/);
  });

  it('reports what happened on /metrics', async () => {
    const text = await (await fetch(runner.url + '/metrics')).text();
    expect(text).toMatch(/queue_messages_published_total\{kind="scrape_new_data"\} [1-9]/);
    expect(text).toMatch(
      /queue_messages_processed_total\{kind="scrape_new_data",queue="gradcafe.scrape-new-data"\} [1-9]/,
    );
    expect(text).toMatch(/queue_depth\{queue="gradcafe.scrape-new-data",state="ready"\} 0/);
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/gradcafe\/pull-data",status="202"\} [1-9]/,
    );
    expect(text).toMatch(/jobs\{kind="scrape_new_data",status="succeeded"\} [1-9]/);
  });
});

describe.each(stacks)('GradCafe with the broker down on $name', (stack) => {
  it('answers 503 JSON to an API call and 303 + error flash to a browser, and records the job as failed', async () => {
    const testDb = await createTestDb(stack.db);
    const driver = await createUnreachableDriver(stack.queue, topologyOf(manifest));
    const config = loadConfig({ QUEUE_DRIVER: 'memory' }); // the driver is passed in; config does not pick it
    const auth = createAuthServices({ db: testDb.db, config, passwordParams: FAST_PASSWORDS });
    const platform = createPlatform({ config, log: testLog, db: testDb.db, driver, manifest, auth });
    const admin = await adminAuthorization(platform);
    const app = createHttpApp({
      manifest,
      log: testLog,
      metrics: platform.metrics,
      auth: platform.auth,
      makeCtx: platform.httpCtx,
    });
    try {
      const api = await app.request('/gradcafe/pull-data', {
        method: 'POST',
        headers: { accept: 'application/json', ...admin },
      });
      expect(api.status).toBe(503);
      expect(await api.json()).toMatchObject({ error: { code: 'QUEUE_UNAVAILABLE' } });

      const form = await app.request('/gradcafe/update-analysis', {
        method: 'POST',
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...admin },
        body: '',
      });
      expect(form.status).toBe(303);
      expect(form.headers.get('location')).toBe('/gradcafe/');
      expect(form.headers.get('set-cookie')).toMatch(/^flash=/);

      const { rows } = await testDb.db.query<{ status: string }>(
        'select status from jobs order by created_at',
      );
      expect(rows.map((r) => r.status)).toEqual(['failed', 'failed']);
    } finally {
      await driver.close();
      await testDb.drop();
    }
  });
});

/** An `Authorization` header of a fresh admin of `platform`. */
async function adminAuthorization(platform: Platform): Promise<{ authorization: string }> {
  const { user } = await platform.auth.users.ensureAdmin({
    email: 'e2e-admin@example.com',
    password: 'e2e-admin-pass',
  });
  return { authorization: `Bearer ${(await platform.auth.tokens.issue(user)).access_token}` };
}

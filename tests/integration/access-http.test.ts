import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthTestApp } from '../helpers/auth.ts';
import { dbBackends } from '../helpers/db.ts';

/**
 * Who may read what the platform keeps about jobs and queues, and its operational routes: a
 * job's payload and result belong to whoever triggered it (and admins); dead letters, replay and
 * queue details to admins; /metrics to Prometheus in production; /docs to whoever the deployment
 * says; the feed emulator's routes exist only where the emulator is the configured source.
 */
type App = Awaited<ReturnType<typeof createAuthTestApp>>;

async function tokensFor(t: App) {
  const { users, tokens } = t.platform.auth;
  const ann = await users.register({ email: 'ann@example.com', password: 'ann-password' });
  const bob = await users.register({ email: 'bob@example.com', password: 'bob-password' });
  const { user: admin } = await users.ensureAdmin({ email: 'root@example.com', password: 'root-password' });
  const bearer = async (user: { id: string; role: 'user' | 'admin'; authVersion: number }) => ({
    authorization: `Bearer ${(await tokens.issue(user)).access_token}`,
  });
  return { ann: await bearer(ann), bob: await bearer(bob), admin: await bearer(admin), annId: ann.id };
}

const JSON_BODY = { 'content-type': 'application/json' };

describe.each(dbBackends)('access to jobs and queues on %s', (backend) => {
  let t: App;
  let as: Awaited<ReturnType<typeof tokensFor>>;
  beforeAll(async () => {
    t = await createAuthTestApp(backend);
    as = await tokensFor(t);
  }, 60_000);
  afterAll(() => t?.close());

  it('shows a job to the user who triggered it and to admins, and to nobody else (404 as if unknown)', async () => {
    const triggered = await t.app.request('/notes/api/jobs/task-report', {
      method: 'POST',
      headers: { ...as.ann, ...JSON_BODY },
      body: JSON.stringify({ owner_id: as.annId }),
    });
    expect(triggered.status).toBe(202);
    const { jobId } = (await triggered.json()) as { jobId: string };
    const read = (headers: Record<string, string>) =>
      t.app.request(`/jobs/${jobId}`, { headers: { accept: 'application/json', ...headers } });

    const own = await read(as.ann);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: jobId, payload: { ownerId: as.annId } });
    expect((await read(as.admin)).status).toBe(200);
    expect((await read(as.bob)).status).toBe(404);
    expect((await read({})).status).toBe(401);
  });

  it.each([
    ['GET', '/queues'],
    ['GET', '/queues/gradcafe.scrape-new-data/dead-letters'],
    ['POST', '/queues/gradcafe.scrape-new-data/dead-letters/replay'],
  ])('keeps %s %s to admins: 401 anonymous, 403 for a user, 200 for an admin', async (method, path) => {
    const call = (headers: Record<string, string>) =>
      t.app.request(path, {
        method,
        headers: { accept: 'application/json', ...JSON_BODY, ...headers },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
    expect((await call({})).status).toBe(401);
    expect((await call(as.ann)).status).toBe(403);
    expect((await call(as.admin)).status).toBe(200);
  });

  it('lets only an admin release feed emulator entries', async () => {
    const release = (headers: Record<string, string>) =>
      t.app.request('/gradcafe/feed/release', {
        method: 'POST',
        headers: { ...JSON_BODY, ...headers },
        body: '{"count":1}',
      });
    expect((await release({})).status).toBe(401);
    expect((await release(as.ann)).status).toBe(403);
    expect((await release(as.admin)).status).toBe(200);
  });
});

describe('operational routes by configuration', () => {
  const apps: App[] = [];
  const appWith = async (env: Record<string, string>) => {
    const app = await createAuthTestApp('pglite', env);
    apps.push(app);
    return app;
  };
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('closes /metrics in production without METRICS_TOKEN, and opens it to that bearer token with one', async () => {
    const closed = await appWith({ NODE_ENV: 'production' });
    expect((await closed.app.request('/metrics')).status).toBe(403);

    const token = 'metrics-token-0123456789';
    const guarded = await appWith({ NODE_ENV: 'production', METRICS_TOKEN: token });
    expect((await guarded.app.request('/metrics')).status).toBe(401);
    const wrong = await guarded.app.request('/metrics', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const scraped = await guarded.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('http_request_duration_seconds');

    const development = await appWith({ NODE_ENV: 'development' });
    expect((await development.app.request('/metrics')).status).toBe(200);
  });

  it('serves /docs and /openapi.json unless DOCS_ENABLED=false', async () => {
    const on = await appWith({});
    expect((await on.app.request('/docs')).status).toBe(200);
    expect((await on.app.request('/openapi.json')).status).toBe(200);
    const off = await appWith({ DOCS_ENABLED: 'false' });
    expect((await off.app.request('/docs')).status).toBe(404);
    expect((await off.app.request('/openapi.json')).status).toBe(404);
  });

  it('leaves the feed emulator out (routes and document) where a real feed is the source', async () => {
    const real = await appWith({ GRADCAFE_SOURCE_URL: 'https://feed.example.com/entries' });
    const { user: admin } = await real.platform.auth.users.ensureAdmin({
      email: 'feed-admin@example.com',
      password: 'feed-admin-password',
    });
    const authorization = `Bearer ${(await real.platform.auth.tokens.issue(admin)).access_token}`;
    const release = await real.app.request('/gradcafe/feed/release', {
      method: 'POST',
      headers: { authorization, ...JSON_BODY },
      body: '{}',
    });
    expect(release.status).toBe(404);
    expect((await real.app.request('/gradcafe/feed/entries')).status).toBe(404);
    const document = (await (await real.app.request('/openapi.json')).json()) as { paths: object };
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/gradcafe/feed'))).toEqual([]);

    const compose = await appWith({
      GRADCAFE_SOURCE_URL: 'http://web:8080/gradcafe/feed/entries',
      GRADCAFE_FEED_EMULATOR: 'true',
    });
    expect((await compose.app.request('/gradcafe/feed/entries')).status).toBe(200);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest, queueName } from '../../shared/runtime/manifest.ts';
import { createTestDb, testDatabaseUrl, type TestDb } from '../helpers/db.ts';
import { testProcesses, type TestChild } from '../helpers/processes.ts';
import { deleteRabbitNamespace, uniquePrefix } from '../helpers/rabbitmq.ts';
import { freePort, tcpProxy } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * `npm start` while the broker, or the database, is not there yet: the runner comes up, says what
 * it is waiting for (one log line, /readyz naming it), answers what it can, and takes up its work
 * once the dependency appears (here: a TCP proxy to the real service, started late).
 */
const processes = testProcesses();
const ADMIN = { email: 'deps-admin@example.com', password: 'deps-admin-password' };
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function startRunner(env: Record<string, string>) {
  const port = await freePort();
  const child = processes.start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      GRADCAFE_PULL_CRON: 'off',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok, {
    timeoutMs: 30_000,
    message: 'the runner to answer /healthz',
  });
  return { child, url };
}

const readiness = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: { db: string; queue: string } } };
};

const linesMatching = (child: TestChild, pattern: RegExp) =>
  child
    .output()
    .split('\n')
    .filter((line) => pattern.test(line));

async function adminToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: ADMIN.email, password: ADMIN.password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function newTestDb(): Promise<TestDb> {
  const testDb = await createTestDb('postgres', { migrations: [] });
  cleanups.push(() => testDb.drop());
  return testDb;
}

describe('a runner whose broker is down at start', () => {
  it('serves reads, answers 503 to enqueues and on /readyz, then consumes once the broker appears', async () => {
    const testDb = await newTestDb();
    const broker = await tcpProxy(5672);
    cleanups.push(() => broker.close());
    const prefix = uniquePrefix();
    const manifest = await loadManifest();
    cleanups.push(() => deleteRabbitNamespace(prefix, manifest.tasks.map(queueName)));
    const { child, url } = await startRunner({
      DATABASE_URL: testDb.url!,
      RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${broker.port}`,
      QUEUE_PREFIX: prefix,
    });
    await waitFor(() => child.output().includes('is running'), { timeoutMs: 30_000 });

    const down = await readiness(url);
    expect(down.status).toBe(503);
    expect(down.body.checks.db).toBe('ok');
    expect(down.body.checks.queue).toContain(`RabbitMQ at 127.0.0.1:${broker.port} unreachable`);
    expect((await fetch(`${url}/gradcafe/api/applicants?limit=1`)).status).toBe(200);
    const token = await adminToken(url);
    const trigger = () =>
      fetch(`${url}/gradcafe/update-analysis`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
    const refused = await trigger();
    expect(refused.status).toBe(503);

    await broker.start();
    await waitFor(async () => (await readiness(url)).status === 200, {
      timeoutMs: 30_000,
      message: 'ready once the broker is there',
    });
    const accepted = await trigger();
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    await waitFor(
      async () => {
        const job = await fetch(`${url}/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
        return ((await job.json()) as { status: string }).status === 'succeeded';
      },
      { timeoutMs: 30_000, message: 'the job queued after the broker appeared to run' },
    );

    // One line when the broker is missing and one when it is back; no stack per attempt.
    await waitFor(() => linesMatching(child, /the broker .* is available/).length === 1);
    expect(linesMatching(child, /waiting for the broker/)).toHaveLength(1);
  }, 120_000);
});

describe('a runner whose database is down at start', () => {
  it('answers probes, refuses functions with 503 naming the database, and starts once it appears', async () => {
    const testDb = await newTestDb();
    const database = new URL(testDb.url!).pathname.slice(1);
    const postgres = await tcpProxy(5432);
    cleanups.push(() => postgres.close());
    const through = new URL(testDatabaseUrl(database));
    through.port = String(postgres.port);
    const { child, url } = await startRunner({ DATABASE_URL: through.toString() });

    const down = await readiness(url);
    expect(down.status).toBe(503);
    expect(down.body.checks.db).toContain(`Postgres at 127.0.0.1:${postgres.port}`);
    const gated = await fetch(`${url}/gradcafe/api/analysis`);
    expect(gated.status).toBe(503);
    expect(((await gated.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'STARTING',
      message: expect.stringContaining(`127.0.0.1:${postgres.port}`),
    });

    await postgres.start();
    await waitFor(() => child.output().includes('is running'), {
      timeoutMs: 30_000,
      message: 'the runner to start once the database is there',
    });
    expect((await readiness(url)).status).toBe(200);
    expect((await fetch(`${url}/gradcafe/api/applicants?limit=1`)).status).toBe(200);
    expect(linesMatching(child, /waiting for Postgres/)).toHaveLength(1);
    expect(linesMatching(child, /Postgres .* is available/)).toHaveLength(1);
  }, 120_000);
});

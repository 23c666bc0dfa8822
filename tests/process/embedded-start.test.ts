import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedEnv } from '../helpers/embedded-runner.ts';
import { testProcesses } from '../helpers/processes.ts';
import { freePort } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * `npm start` from nothing: no DATABASE_URL, no broker, an empty data folder. The runner must
 * migrate, load the sample data and serve the GradCafe page; and a restart keeps the data.
 */
const processes = testProcesses();
let dataDir: string;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function startRunner(port: number) {
  const env = embeddedEnv(port, dataDir);
  // Killed by testProcesses if the test fails before stopping it, even while waiting for it here.
  const { child, exited, output } = processes.start(
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts'],
    {
      env,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(url + '/readyz').catch(() => undefined))?.ok, {
    timeoutMs: 60_000,
    message: 'the embedded runner to be ready',
  });
  // HTTP answers from the first moment; the banner follows once start-up is done.
  await waitFor(() => output().includes('is running'), { timeoutMs: 30_000 });
  return { child, url, exited, output };
}

describe('embedded start', () => {
  it('starts from an empty data folder, serves the page with the sample data, and keeps it across a restart', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fnstack-embedded-'));
    const port = await freePort();
    const first = await startRunner(port);
    let access_token = '';
    try {
      expect(first.output()).toContain('embedded PGlite in ' + dataDir);
      expect(first.output()).toMatch(/queue\s+memory \(in-process; .*lost when the process stops\)/);

      const page = await fetch(first.url + '/gradcafe/', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('GradCafe');
      expect(html).toContain('Sign in as an admin'); // anonymous: no job buttons

      // The first start made an admin and printed its password once; with it, jobs can be triggered.
      const admin = /admin\s+(\S+@\S+)\s+password (\S+)/.exec(first.output());
      expect(admin?.[1]).toBe('admin@example.com');
      const login = await fetch(first.url + '/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: admin![1]!, password: admin![2]! }),
      });
      ({ access_token } = (await login.json()) as { access_token: string });
      const pull = await fetch(first.url + '/gradcafe/pull-data', {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(pull.status).toBe(202);

      const applicants = (await (await fetch(first.url + '/gradcafe/api/applicants?limit=1')).json()) as {
        total: number;
      };
      expect(applicants.total).toBeGreaterThan(5000);

      // While the runner holds the embedded database, the other commands say so in one line.
      for (const script of ['scripts/migrate.ts', 'scripts/seed.ts', 'scripts/users.ts']) {
        const args = script === 'scripts/users.ts' ? ['reset-password', 'admin@example.com'] : [];
        const other = processes.start(process.execPath, ['--import', 'tsx', script, ...args], {
          env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
        });
        expect(await other.exited, script).toBe(1);
        expect(other.output().trim(), script).toMatch(
          /^The embedded database is already open by process \d+ .*stop that runner first/,
        );
        expect(other.output().trim().split('\n'), script).toHaveLength(1);
      }

      // A second runner on the same port: one line, before anything is made.
      const emptyDir = await mkdtemp(path.join(tmpdir(), 'fnstack-port-'));
      const taken = processes.start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: emptyDir, DATABASE_URL: '' },
      });
      expect(await taken.exited).toBe(1);
      expect(taken.output().trim()).toBe(
        `Port ${port} is already in use: stop what is listening there, or start with PORT=${port + 1} npm start.`,
      );
      expect(await readdir(emptyDir)).toEqual([]); // no database, no admin whose password nobody saw
      await rm(emptyDir, { recursive: true, force: true });
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);

    const second = await startRunner(port);
    try {
      // The admin exists now: named, its password not printed again.
      expect(second.output()).toMatch(/admin\s+admin@example\.com\n/);
      const applicants = (await (await fetch(second.url + '/gradcafe/api/applicants?limit=1')).json()) as {
        total: number;
      };
      expect(applicants.total).toBeGreaterThan(5000);
      expect(second.output()).toContain('0 migrations applied now');
      // The signing secrets were kept in the data folder: the first run's token still works.
      expect(second.output()).toContain(`kept in ${path.join(dataDir, 'secrets.json')}`);
      const me = await fetch(second.url + '/api/users/me', {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(me.status).toBe(200);
      expect((await stat(path.join(dataDir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
    // Two cold starts (PGlite create, migrations, a 6,000-row seed) on a busy 2-core machine.
  }, 180_000);

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT/],
    [
      { ADMIN_PASSWORD: 'a long password' },
      /^Invalid configuration: ADMIN_PASSWORD is set but ADMIN_EMAIL is not/,
    ],
    // An app's setting (functions/<app>/app.ts) is checked at start like the platform's.
    [{ GRADCAFE_PULL_CRON: '*/15 * * *x' }, /^Invalid gradcafe configuration: GRADCAFE_PULL_CRON/],
    [{ NOTES_REPORT_MAX_ATTEMPTS: 'five' }, /^Invalid notes configuration: NOTES_REPORT_MAX_ATTEMPTS/],
  ])(
    'answers a configuration error (%j) with one line and exit code 2, not a stack trace',
    async (env, message) => {
      const { exited, output } = processes.start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
        env: { ...process.env, DATA_DIR: 'unused', ADMIN_EMAIL: '', ...env },
      });
      expect(await exited).toBe(2);
      expect(output().trim()).toMatch(message);
      expect(output().trim().split('\n')).toHaveLength(1);
    },
  );

  it('refuses to run a single role on the embedded defaults, which live inside one process', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['DATABASE_URL', 'RABBITMQ_URL', 'QUEUE_DRIVER']) delete env[name];
    const { exited, output } = processes.start(
      process.execPath,
      ['--import', 'tsx', 'scripts/start.ts', '--role', 'web'],
      { env },
    );
    expect(await exited).toBe(2);
    expect(output()).toContain('--role web needs a database and a broker shared between processes');
  });
});

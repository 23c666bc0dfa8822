import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.ts';
import { testProcesses } from './processes.ts';
import { freePort } from './tcp-proxy.ts';
import { waitFor } from './wait.ts';

/**
 * The environment of `npm start` on the embedded defaults as a new user has it: the test's own
 * port and data folder, and none of the variables that would point it at real services.
 */
export function embeddedEnv(port: number, dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  for (const name of ['DATABASE_URL', 'RABBITMQ_URL', 'QUEUE_DRIVER', 'NODE_ENV']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

export const ADMIN = { email: 'admin@example.com', password: 'browser test password' };

/**
 * Chromium and `npm start` on the embedded defaults (the sample data, a known admin password),
 * shared by a browser test file's tests: started before them, stopped after the last. Call at
 * the top of the file.
 *
 * @example
 *   const app = browserOnEmbeddedRunner();
 *   it('…', async () => { const page = await app.browser().newPage(); await page.goto(app.base() + '/'); });
 */
export function browserOnEmbeddedRunner(extraEnv: NodeJS.ProcessEnv = {}) {
  const processes = testProcesses({ keepUntil: 'all' });
  let dataDir: string | undefined;
  let browser: Browser | undefined;
  let base = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fnstack-browser-'));
    const port = await freePort();
    const env = embeddedEnv(port, dataDir, {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...extraEnv,
    });
    const runner = processes.start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env });
    const started = waitFor(() => runner.output().includes('is running'), {
      timeoutMs: 90_000,
      message: 'the embedded runner to start',
    });
    [browser] = await Promise.all([launchChromium(), started]);
    base = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  return {
    browser: () => browser!,
    /** The runner's address, e.g. `http://127.0.0.1:40123`. */
    base: () => base,
  };
}

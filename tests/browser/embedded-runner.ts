import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testProcesses } from '../helpers/processes.ts';
import { freePort } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

export const ADMIN = { email: 'admin@example.com', password: 'browser test password' };

/**
 * `npm start` as a new user runs it (embedded database, in-process queue, the sample data), with
 * a known admin password, for the browser tests. Call at the top of a test file.
 */
export function embeddedRunner() {
  const processes = testProcesses({ keepUntil: 'all' });
  let dataDir: string | undefined;
  return {
    async start(): Promise<{ url: string }> {
      dataDir = await mkdtemp(path.join(tmpdir(), 'fnstack-browser-'));
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      };
      for (const name of ['DATABASE_URL', 'RABBITMQ_URL', 'QUEUE_DRIVER', 'NODE_ENV']) delete env[name];
      const runner = processes.start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(() => runner.output().includes('is running'), {
        timeoutMs: 90_000,
        message: 'the embedded runner to start',
      });
      return { url };
    },
    async cleanup() {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

import type { Config } from '../../shared/config.ts';
import type { Job } from '../../shared/contract/index.ts';
import { createAuthServices } from '../../shared/auth/services.ts';
import type { Db } from '../../shared/db/port.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import type { Manifest } from '../../shared/runtime/manifest.ts';
import { createPlatform } from '../../shared/runtime/platform.ts';
import { startRunner, type Runner } from '../../shared/runtime/runner.ts';
import { FAST_PASSWORDS } from './auth.ts';
import { testLog } from './platform.ts';
import { waitFor } from './wait.ts';

export interface AdminRunner {
  runner: Runner;
  /** fetch on the runner with an admin's bearer token, asking for JSON. */
  api(path: string, init?: RequestInit & { headers?: Record<string, string> }): Promise<Response>;
  /** A new signed-in user (role user) and fetch with their bearer token: for routes of any signed-in user. */
  userApi(email: string): Promise<{ id: string; api: AdminRunner['api'] }>;
  /** The job once it has succeeded, failed or died. */
  finished(jobId: string): Promise<Job>;
}

/**
 * The whole runner (web and worker) on a test database and driver, with an admin's API access:
 * for the end-to-end tests of an app's routes and tasks.
 *
 * @example
 *   const { runner, api, finished } = await startAdminRunner({ db, driver, config, manifest });
 *   const { jobId } = await (await api('/imports/trigger-job', { method: 'POST' })).json();
 *   await finished(jobId);
 */
export async function startAdminRunner(parts: {
  db: Db;
  driver: QueueDriver;
  config: Config;
  manifest: Manifest;
}): Promise<AdminRunner> {
  const { db, driver, config, manifest } = parts;
  const auth = createAuthServices({ db, config, passwordParams: FAST_PASSWORDS });
  const platform = createPlatform({ config, log: testLog, db, driver, manifest, auth });
  const { user } = await auth.users.ensureAdmin({
    email: 'e2e-admin@example.com',
    password: 'e2e-admin-pass',
  });
  const authorization = `Bearer ${(await auth.tokens.issue(user)).access_token}`;
  const runner = await startRunner(platform, { roles: ['web', 'worker'], port: 0, host: '127.0.0.1' });
  const fetchAs =
    (bearer: string): AdminRunner['api'] =>
    (path, init = {}) =>
      fetch(runner.url + path, {
        ...init,
        headers: { accept: 'application/json', authorization: bearer, ...init.headers },
      });
  const api = fetchAs(authorization);
  const userApi: AdminRunner['userApi'] = async (email) => {
    const registered = await auth.users.register({ email, password: 'e2e-user-pass-123' });
    return {
      id: registered.id,
      api: fetchAs(`Bearer ${(await auth.tokens.issue(registered)).access_token}`),
    };
  };
  const finished = (jobId: string) =>
    waitFor(
      async () => {
        const job = (await (await api(`/jobs/${jobId}`)).json()) as Job;
        return ['succeeded', 'failed', 'dead'].includes(job.status) && job;
      },
      { timeoutMs: 30_000, message: `job ${jobId} to finish` },
    );
  return { runner, api, userApi, finished };
}

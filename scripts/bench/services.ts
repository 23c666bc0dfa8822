import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { withClient, withConfirmChannel } from './helpers.ts';
import { withRedis } from './redis.ts';
import type { Service } from './section.ts';
import type { BenchSettings } from './settings.ts';

/** The Python the Celery side runs on: Debian's, where apt installs python3-celery. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Check what the selected sections need before anything runs, not halfway through a long run. */
export async function checkServices(needs: ReadonlySet<Service>, settings: BenchSettings): Promise<void> {
  const checks: Record<Service, () => Promise<unknown>> = {
    postgres: () => withClient(settings.postgresAdminUrl, (client) => client.query('select 1')),
    rabbitmq: () => withConfirmChannel(settings.rabbitmqUrl, async () => undefined),
    redis: () => withRedis(settings.redisUrl, (redis) => redis.ping()),
    // The bench installs nothing into the project: Celery comes from the system's packages.
    celery: () =>
      promisify(execFile)(SYSTEM_PYTHON, ['-c', 'import celery, psycopg2']).catch((err: unknown) => {
        throw new Error(
          `the peer section runs Celery on ${SYSTEM_PYTHON}, which cannot import celery and psycopg2: ` +
            'sudo apt-get install python3-celery python3-psycopg2',
          { cause: err },
        );
      }),
  };
  for (const service of needs) {
    await checks[service]().catch((err: unknown) => {
      throw new Error(`the bench needs ${service}: ${(err as Error).message}`, { cause: err });
    });
  }
}

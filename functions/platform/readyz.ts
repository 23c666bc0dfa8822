import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { TimeoutError, withTimeout } from '../../shared/timeout.ts';

const CHECK_TIMEOUT_MS = 2000;

const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ db: z.string(), queue: z.string() }).describe('`ok`, or why the check failed'),
});

/** Readiness: the database and the broker answer, each within 2 s (checked in parallel). */
export default defineHttp({
  method: 'GET',
  path: '/readyz',
  auth: 'public',
  summary: 'Readiness probe (database and broker)',
  responses: {
    200: { description: 'Ready to serve', schema: readiness },
    503: { description: 'A dependency is unreachable', schema: readiness },
  },
  handler: async (_req, ctx) => {
    const [db, queue] = await Promise.all([
      probe('db', () => ctx.db.ping()),
      probe('queue', () => ctx.queueAdmin.check()),
    ]);
    const ready = db === 'ok' && queue === 'ok';
    if (!ready) ctx.log.warn({ checks: { db, queue } }, 'not ready');
    return json({ status: ready ? 'ready' : 'unavailable', checks: { db, queue } }, ready ? 200 : 503);
  },
});

async function probe(name: string, check: () => Promise<void>): Promise<string> {
  try {
    await withTimeout(
      check(),
      CHECK_TIMEOUT_MS,
      () => new TimeoutError(`${name} did not answer within ${CHECK_TIMEOUT_MS} ms`),
    );
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import { FILE_KIND, importOne } from './lib/run-imports.ts';

/** One registered import: an upload, queued by POST /imports/files. */
export default defineTask({
  consumes: FILE_KIND,
  payload: z.object({ importId: z.string().regex(/^\d{1,18}$/, 'must be an import id') }),
  concurrency: 1,
  ownTransactions: true,
  // 2 s, 4 s, … up to a minute: covers the default 60 s lease of a crashed worker.
  retry: { attempts: 8, baseDelayMs: 2_000, maxDelayMs: 60_000 },
  lambda: { memoryMb: 1024, timeoutSeconds: 900 },
  handler: async ({ importId }, ctx) => {
    const outcome = await importOne(ctx, importId);
    // Retried with backoff until the holder's lease (IMPORTS_LEASE_S) has run out.
    if (outcome.status === 'busy') throw new Error(outcome.reason);
    return outcome;
  },
});

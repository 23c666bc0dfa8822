import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import { FILE_KIND, importOne } from './lib/run-imports.ts';

/** One registered import: an upload, queued by POST /imports/files. */
export default defineTask({
  consumes: FILE_KIND,
  payload: z.object({ importId: z.string().regex(/^\d{1,18}$/, 'must be an import id') }),
  concurrency: 1,
  ownTransactions: true,
  retry: { attempts: 3, baseDelayMs: 30_000, maxDelayMs: 120_000 },
  lambda: { memoryMb: 1024, timeoutSeconds: 900 },
  handler: ({ importId }, ctx) => importOne(ctx, importId),
});

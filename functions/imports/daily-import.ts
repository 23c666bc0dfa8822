import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import { DAILY_KIND, runDaily } from './lib/run-imports.ts';

/**
 * The daily import: files new in the inboxes, then every queued import. It commits as it goes
 * (ownTransactions), so a crash resumes each import from its staged rows when the message is
 * delivered again; the importer's lease keeps an import from running twice at once.
 */
export default defineTask({
  consumes: DAILY_KIND,
  payload: z.object({}).loose(),
  concurrency: 1,
  ownTransactions: true,
  retry: { attempts: 3, baseDelayMs: 30_000, maxDelayMs: 120_000 },
  lambda: { memoryMb: 1024, timeoutSeconds: 900 },
  handler: (_payload, ctx) => runDaily(ctx),
});

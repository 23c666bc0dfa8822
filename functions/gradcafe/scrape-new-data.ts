import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import { scrapeNewData } from './lib/scrape.ts';

export default defineTask({
  consumes: 'scrape_new_data',
  payload: z.object({
    /** Read entries after this id instead of after the stored watermark. */
    since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  // One pull at a time (prefetch 1, as in the original worker); a feed outage retries with
  // backoff for about a minute and a half, then dead-letters.
  concurrency: 1,
  retry: { attempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 },
  handler: (payload, ctx) => scrapeNewData(payload, ctx),
});

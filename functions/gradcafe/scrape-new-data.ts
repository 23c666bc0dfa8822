import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import { scrapeNewData, type ScrapeResult } from './lib/scrape.ts';

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
  handler: async (payload, ctx): Promise<ScrapeResult & { analysisJobId?: string }> => {
    const result = await scrapeNewData(payload, ctx);
    if (result.inserted === 0) return result;
    // New entries change the figures: queue the standard analysis so the page catches up without
    // anyone pressing Update Analysis. The job row is written in this transaction, and the
    // recompute's worker upserts that row before it computes, so it waits for this commit and
    // counts the new entries (on a rollback it runs over the old ones, and the retry queues another).
    const { jobId } = await ctx.jobs.trigger(
      'recompute_analytics',
      {},
      {
        correlationId: ctx.message.correlationId,
      },
    );
    return { ...result, analysisJobId: jobId };
  },
});

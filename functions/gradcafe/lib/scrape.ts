import type { TaskCtx } from '../../../shared/contract/index.ts';
import gradcafe from '../app.ts';
import { insertApplicants } from './applicants-store.ts';
import { normalizeEntries } from './normalize.ts';
import {
  DEFAULT_PULL_LIMITS,
  feedSource,
  pullEntriesAfter,
  type EntrySource,
  type PullLimits,
} from './source.ts';
import { advanceWatermark, readWatermark } from './watermark.ts';

export interface ScrapeResult {
  /** Raw entries read from the feed. */
  fetched: number;
  /** Entries that were new (already stored ones are left alone). */
  inserted: number;
  /** Entries dropped for an unusable url/id. */
  skipped: number;
  /** The watermark after the run (null: nothing read yet, ever). */
  watermark: number | null;
  /** True when the run hit its page cap; the next run continues from the watermark. */
  capped: boolean;
}

/**
 * Pull entries newer than `since` (or the stored watermark), store the new ones and move
 * the watermark, all on `ctx.db` — the task's transaction. Pages are fetched before any
 * write, and a failure anywhere throws, so a run either stores everything it read or
 * nothing. Re-running adds nothing twice (`on conflict (url) do nothing`).
 *
 * @example
 *   await scrapeNewData({}, ctx);                    // from the watermark, configured feed
 *   await scrapeNewData({ since: 900100 }, ctx, fakeSource);
 */
export async function scrapeNewData(
  payload: { since?: number | undefined },
  ctx: Pick<TaskCtx, 'db' | 'log' | 'config'>,
  source: EntrySource = feedSource({ settings: gradcafe.config(ctx.config), db: ctx.db }),
  limits: PullLimits = DEFAULT_PULL_LIMITS,
): Promise<ScrapeResult> {
  const stored = await readWatermark(ctx.db);
  const after = payload.since ?? stored ?? 0;
  const pulled = await pullEntriesAfter(source, after, ctx.log, limits);
  const { applicants, skipped } = normalizeEntries(pulled.entries);
  const inserted = await insertApplicants(ctx.db, applicants);

  const maxKey = applicants.reduce<number | null>((max, a) => Math.max(max ?? 0, a.id), pulled.lastCursor);
  const watermark = maxKey === null ? stored : await advanceWatermark(ctx.db, maxKey);

  const result = { fetched: pulled.entries.length, inserted, skipped, watermark, capped: pulled.capped };
  ctx.log.info({ ...result, after, pages: pulled.pages, source: source.url }, 'GradCafe pull stored');
  return result;
}

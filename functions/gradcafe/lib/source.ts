import type { Logger } from 'pino';
import * as z from 'zod';
import type { Queryable } from '../../../shared/db/port.ts';
import { UpstreamError } from '../../../shared/errors.ts';
import type { GradcafeSettings } from '../app.ts';
import { emulatorSource } from './feed-emulator.ts';

/**
 * Where new GradCafe entries come from: a JSON feed that pages by entry id,
 * `GET <url>?after=<id>&limit=<n>` → `{ entries: [...], nextAfter: <id> | null }`.
 *
 * - `GRADCAFE_SOURCE_URL` set: that feed, over HTTP. Every failure (network, timeout,
 *   non-2xx, a body that is not a feed page) is an UpstreamError, which the task turns into
 *   a retry with backoff and finally a dead letter.
 * - unset: the bundled feed emulator, read in-process through the task's own transaction.
 *   Not over HTTP to our own `/gradcafe/feed/entries`: the task holds a transaction while it
 *   fetches, and on the embedded database (PGlite, one connection) the emulator route's query
 *   would wait for that transaction to end — a deadlock until the fetch times out. In-process
 *   also works in a worker-only container or on Lambda, where no local web server runs.
 *
 * @example
 *   const source = feedSource({ settings: gradcafe.config(ctx.config), db: ctx.db }); // configured
 *   const source = httpSource(url, { fetch: fakeFetch });    // tests
 *   const page = await source.fetchPage(900000, 500);
 */
export interface FeedPage {
  /** Raw entries; each is validated by the normalizer, not here. */
  entries: unknown[];
  /** Pass as `after` for the next page; null when there is nothing more. */
  nextAfter: number | null;
}

export interface EntrySource {
  /** Where the entries come from, for logs. */
  readonly url: string;
  fetchPage(after: number, limit: number): Promise<FeedPage>;
}

export const MAX_PAGE_SIZE = 500;

export const feedPageSchema = z.object({
  entries: z.array(z.unknown()).max(MAX_PAGE_SIZE),
  nextAfter: z.number().int().nonnegative().nullable(),
});

export interface HttpSourceOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function feedSource(from: {
  settings: Pick<GradcafeSettings, 'GRADCAFE_SOURCE_URL' | 'GRADCAFE_EMULATOR_RELEASE_S'>;
  db: Queryable;
}): EntrySource {
  const url = from.settings.GRADCAFE_SOURCE_URL;
  return url ? httpSource(url) : emulatorSource(from.db, from.settings.GRADCAFE_EMULATOR_RELEASE_S);
}

export function httpSource(url: string, options: HttpSourceOptions = {}): EntrySource {
  // Read the global at call time (not import time) so a stubbed fetch is honoured.
  const fetchPage = async (after: number, limit: number): Promise<FeedPage> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const pageUrl = new URL(url);
    pageUrl.searchParams.set('after', String(after));
    pageUrl.searchParams.set('limit', String(limit));
    const details = { url: pageUrl.href };
    let response: Response;
    try {
      response = await doFetch(pageUrl, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new UpstreamError(`GradCafe feed unreachable: ${(err as Error).message}`, {
        cause: err,
        details,
      });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamError(`GradCafe feed answered ${response.status}`, {
        details: { ...details, status: response.status },
      });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (err) {
      throw new UpstreamError('GradCafe feed sent a body that is not JSON', { cause: err, details });
    }
    const page = feedPageSchema.safeParse(body);
    if (!page.success) {
      throw new UpstreamError('GradCafe feed sent an invalid page', { cause: page.error, details });
    }
    if (page.data.nextAfter !== null && page.data.nextAfter <= after) {
      throw new UpstreamError(`GradCafe feed cursor did not advance past ${after}`, { details });
    }
    return page.data;
  };
  return { url, fetchPage };
}

export interface PullLimits {
  /** Pages read in one run at most; the rest is left for the next run. */
  maxPages: number;
  pageSize: number;
}

export const DEFAULT_PULL_LIMITS: PullLimits = { maxPages: 20, pageSize: MAX_PAGE_SIZE };

export interface PulledEntries {
  entries: unknown[];
  pages: number;
  /** The highest cursor the feed handed out: every entry up to it has been read. */
  lastCursor: number | null;
  /** True when the run stopped at `maxPages` with more entries waiting. */
  capped: boolean;
}

/** Read every entry after `after`, page by page, up to the run's page cap. */
export async function pullEntriesAfter(
  source: EntrySource,
  after: number,
  log: Logger,
  limits: PullLimits = DEFAULT_PULL_LIMITS,
): Promise<PulledEntries> {
  const entries: unknown[] = [];
  let cursor = after;
  let lastCursor: number | null = null;
  for (let pages = 1; ; pages++) {
    const page = await source.fetchPage(cursor, limits.pageSize);
    entries.push(...page.entries);
    if (page.nextAfter === null) return { entries, pages, lastCursor, capped: false };
    lastCursor = cursor = page.nextAfter;
    if (pages >= limits.maxPages) {
      log.warn(
        { pages, entries: entries.length, nextAfter: cursor, source: source.url },
        'GradCafe pull capped; the rest is left for the next run',
      );
      return { entries, pages, lastCursor, capped: true };
    }
  }
}

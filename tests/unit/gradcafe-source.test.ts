import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { feedSource, httpSource, pullEntriesAfter } from '../../functions/gradcafe/lib/source.ts';
import { UpstreamError } from '../../shared/errors.ts';

const log = pino({ level: 'silent' });
const FEED_URL = 'http://feed.test/entries';

/** A fake feed of entries 1..total, answering like the emulator. */
function fakeFeed(total: number) {
  const calls: URL[] = [];
  const fetch = vi.fn(async (input: string | URL | Request) => {
    const url = new URL(String(input));
    calls.push(url);
    const after = Number(url.searchParams.get('after'));
    const limit = Number(url.searchParams.get('limit'));
    const ids = [];
    for (let id = after + 1; id <= Math.min(after + limit, total); id++) ids.push(id);
    const last = ids.at(-1);
    const entries = ids.map((id) => ({ url: `https://www.thegradcafe.com/survey/result/${id}` }));
    return Response.json({ entries, nextAfter: last !== undefined && last < total ? last : null });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

describe('feedSource', () => {
  const db = { query: vi.fn(), copyFrom: vi.fn(), copyFromCsv: vi.fn() };
  it('uses the configured feed url, else the emulator in-process', () => {
    expect(
      feedSource({ settings: { GRADCAFE_SOURCE_URL: FEED_URL, GRADCAFE_EMULATOR_RELEASE_S: 30 }, db }).url,
    ).toBe(FEED_URL);
    expect(feedSource({ settings: { GRADCAFE_EMULATOR_RELEASE_S: 30 }, db }).url).toMatch(/emulator/);
  });
});

describe('pullEntriesAfter', () => {
  it('follows the cursor page by page until the feed says there is no more', async () => {
    const feed = fakeFeed(23);
    const pulled = await pullEntriesAfter(httpSource(FEED_URL, { fetch: feed.fetch }), 0, log, {
      maxPages: 20,
      pageSize: 10,
    });
    expect(pulled.entries).toHaveLength(23);
    expect(pulled).toMatchObject({ pages: 3, lastCursor: 20, capped: false });
    expect(feed.calls.map((u) => u.searchParams.get('after'))).toEqual(['0', '10', '20']);
  });

  it('starts after the given key', async () => {
    const feed = fakeFeed(30);
    const pulled = await pullEntriesAfter(httpSource(FEED_URL, { fetch: feed.fetch }), 25, log);
    expect(pulled.entries).toEqual(
      [26, 27, 28, 29, 30].map((id) => ({ url: `https://www.thegradcafe.com/survey/result/${id}` })),
    );
  });

  it('stops at the page cap, remembers the cursor and logs it', async () => {
    const feed = fakeFeed(1000);
    const warn = vi.spyOn(log, 'warn');
    const pulled = await pullEntriesAfter(httpSource(FEED_URL, { fetch: feed.fetch }), 0, log, {
      maxPages: 2,
      pageSize: 10,
    });
    expect(pulled).toMatchObject({ pages: 2, lastCursor: 20, capped: true });
    expect(pulled.entries).toHaveLength(20);
    expect(warn).toHaveBeenCalledOnce();
  });
});

describe('httpSource failures are UpstreamErrors', () => {
  const fails = async (fetch: (input: string | URL | Request) => Promise<Response>) => {
    const source = httpSource(FEED_URL, { fetch: fetch as typeof globalThis.fetch, timeoutMs: 200 });
    return source.fetchPage(0, 10).then(
      () => expect.fail('expected an UpstreamError'),
      (err: unknown) => err,
    );
  };

  it('on a network error, keeping the cause', async () => {
    const cause = new TypeError('fetch failed');
    const err = await fails(async () => {
      throw cause;
    });
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).cause).toBe(cause);
  });

  it('on a non-2xx answer', async () => {
    const err = await fails(async () => new Response('down', { status: 503 }));
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).details).toMatchObject({ status: 503 });
  });

  it('on a body that is not JSON', async () => {
    expect(await fails(async () => new Response('<html>', { status: 200 }))).toBeInstanceOf(UpstreamError);
  });

  it.each([
    [{ entries: 'nope', nextAfter: null }],
    [{ entries: [] }],
    [{ entries: [], nextAfter: -1 }],
    [{ entries: Array.from({ length: 501 }, () => ({})), nextAfter: null }],
  ])('on an invalid page %#', async (body) => {
    expect(await fails(async () => Response.json(body))).toBeInstanceOf(UpstreamError);
  });

  it('on a cursor that does not advance (which would loop forever)', async () => {
    expect(await fails(async () => Response.json({ entries: [], nextAfter: 0 }))).toBeInstanceOf(
      UpstreamError,
    );
  });

  it('on a timeout', async () => {
    const err = await fails(
      (_input, init?: RequestInit) =>
        new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    );
    expect(err).toBeInstanceOf(UpstreamError);
  });
});

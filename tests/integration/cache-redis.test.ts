import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createCache, CacheUnavailableError, type CacheOptions } from '../../shared/cache/index.ts';
import { createMetrics, type Metrics } from '../../shared/observability/metrics.ts';
import {
  deleteRedisPrefix,
  REDIS_TEST_URL,
  redisKeys,
  startRedisProxy,
  startSilentServer,
  uniqueRedisPrefix,
  withRawRedis,
  type RedisProxy,
} from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The Redis driver beyond the conformance cases: what it leaves in Redis, processes sharing
 * it, and Redis being down, hung, or coming back. Nothing here may make a read fail.
 */

const filePrefix = uniqueRedisPrefix();
let testNumber = 0;
/** Closed after each test: caches, proxies, silent servers. */
const teardown: Array<() => Promise<void>> = [];

beforeAll(async () => {
  await withRawRedis((redis) => redis.ping());
});
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step();
});
afterAll(() => deleteRedisPrefix(filePrefix));

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A cache on its own prefix (or `options.prefix`, to share one), with its metrics and log lines. */
function startCache(options: Partial<CacheOptions> = {}) {
  const metrics = createMetrics();
  const lines: LogLine[] = [];
  const log = pino(
    { level: 'info', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  const prefix = options.prefix ?? `${filePrefix}${++testNumber}:`;
  const cache = createCache({ redisUrl: REDIS_TEST_URL, prefix, metrics, log, ...options });
  teardown.push(() => cache.close());
  return { cache, metrics, lines, prefix };
}

async function counted(metrics: Metrics, result: string, group = 'notes:tasks'): Promise<number> {
  const { values } = await metrics.cacheRequests.get();
  return values.find((v) => v.labels.namespace_group === group && v.labels.result === result)?.value ?? 0;
}

async function invalidationFailures(metrics: Metrics): Promise<number> {
  const { values } = await metrics.cacheInvalidationFailures.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

const warnings = (lines: LogLine[]) => lines.filter((line) => line.level === 'warn');

/** Fast failure detection for the outage cases; the defaults are for production. */
const fastRedis = {
  connectTimeoutMs: 500,
  commandTimeoutMs: 300,
  reconnect: { baseDelayMs: 20, maxDelayMs: 200 },
};

describe('redis cache: what it stores', () => {
  it('stores entries with their TTL and generations with theirs, all under the prefix', async () => {
    const { cache, prefix } = startCache({ redis: { generationTtlSeconds: 3_600 } });
    await cache.readThrough(
      { namespace: 'notes:tasks:owner-1', key: ['open'], ttlSeconds: 30 },
      async () => 'x',
    );
    const keys = (await redisKeys(prefix)).sort();
    expect(keys).toHaveLength(2);
    const [generation, entry] = keys as [string, string];
    expect(generation).toBe(`${prefix}gen:notes:tasks:owner-1`);
    expect(entry).toMatch(new RegExp(`^${prefix}v:notes:tasks:owner-1:[\\w-]+:[\\w-]{22}$`));
    const [entryTtl, generationTtl, stored] = await withRawRedis((redis) =>
      Promise.all([redis.pTTL(entry), redis.pTTL(generation), redis.get(entry)]),
    );
    expect(entryTtl).toBeGreaterThan(0);
    expect(entryTtl).toBeLessThanOrEqual(30_000);
    expect(generationTtl).toBeGreaterThan(30_000);
    expect(generationTtl).toBeLessThanOrEqual(3_600_000);
    expect(stored).toBe('{"v":"x"}');
  });

  it('invalidating writes one new generation; the old entry is left to expire', async () => {
    const { cache, prefix } = startCache();
    const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    await cache.readThrough(at, async () => 'old');
    const generationKey = `${prefix}gen:notes:tasks:owner-1`;
    const before = await withRawRedis((redis) => redis.get(generationKey));
    await cache.invalidate('notes:tasks:owner-1');
    const after = await withRawRedis((redis) => redis.get(generationKey));
    expect(after).not.toBe(before);
    await cache.readThrough(at, async () => 'new');
    expect((await redisKeys(`${prefix}v:`)).length).toBe(2);
  });

  it('a generation that expired never brings old entries back', async () => {
    const { cache, prefix } = startCache();
    const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    await cache.readThrough(at, async () => 'before');
    await cache.invalidate('notes:tasks:owner-1');
    // As if Redis evicted or expired the generation key of a namespace.
    await withRawRedis((redis) => redis.del(`${prefix}gen:notes:tasks:owner-1`));
    expect(await cache.readThrough(at, async () => 'reloaded')).toBe('reloaded');
  });
});

describe('redis cache: processes sharing one Redis', () => {
  it("one process's entries and invalidations are seen by another", async () => {
    const a = startCache();
    const b = startCache({ prefix: a.prefix });
    const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    let version = 1;
    const load = async () => ({ version });
    expect(await a.cache.readThrough(at, load)).toEqual({ version: 1 });
    expect(await b.cache.readThrough(at, async () => ({ version: -1 }))).toEqual({ version: 1 });
    version = 2;
    await b.cache.invalidate('notes:tasks:owner-1');
    expect(await a.cache.readThrough(at, load)).toEqual({ version: 2 });
    expect(await counted(b.metrics, 'hit')).toBe(1);
  });

  it('does not mix prefixes', async () => {
    const a = startCache();
    const b = startCache();
    const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    await a.cache.readThrough(at, async () => 'a');
    expect(await b.cache.readThrough(at, async () => 'b')).toBe('b');
  });
});

describe('redis cache: Redis unavailable', () => {
  it('Redis down: reads answer from the loader, count errors, and warn once', async () => {
    // Nothing listens on port 1: every connect is refused.
    const { cache, metrics, lines } = startCache({ redisUrl: 'redis://127.0.0.1:1', redis: fastRedis });
    let calls = 0;
    const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    for (let i = 1; i <= 5; i++) {
      expect(await cache.readThrough(at, async () => ({ call: ++calls }))).toEqual({ call: i });
    }
    expect(await counted(metrics, 'error')).toBe(5);
    expect(await counted(metrics, 'miss')).toBe(0);
    expect(warnings(lines).map((line) => line.msg)).toEqual(['cache unavailable: answering from the source']);
    await expect(cache.check()).rejects.toBeInstanceOf(CacheUnavailableError);
  });

  it('Redis down: invalidate does not throw; it logs an error and counts the failure', async () => {
    const { cache, metrics, lines } = startCache({ redisUrl: 'redis://127.0.0.1:1', redis: fastRedis });
    await expect(cache.invalidate('notes:tasks:owner-1')).resolves.toBeUndefined();
    expect(await invalidationFailures(metrics)).toBe(1);
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
  });

  it('a server that accepts connections but never answers: reads still answer from the loader', async () => {
    const silent = await startSilentServer();
    teardown.push(() => silent.close());
    const { cache, metrics } = startCache({ redisUrl: silent.url, redis: fastRedis });
    const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    expect(await cache.readThrough(at, async () => 'first')).toBe('first');
    expect(await cache.readThrough(at, async () => 'second')).toBe('second');
    expect(await counted(metrics, 'error')).toBe(2);
    await expect(cache.check()).rejects.toBeInstanceOf(CacheUnavailableError);
  });

  it('Redis hangs mid-connection: commands time out and the loader answers', async () => {
    const proxy = await startRedisProxy();
    teardown.push(() => proxy.close());
    const { cache, metrics } = startCache({ redisUrl: proxy.url, redis: fastRedis });
    const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    expect(await cache.readThrough(at, async () => 'cached')).toBe('cached');
    expect(await cache.readThrough(at, async () => 'not used')).toBe('cached');
    proxy.freeze();
    // The first read waits for the command timeout; the second finds Redis paused.
    expect(await cache.readThrough(at, async () => 'from the source')).toBe('from the source');
    expect(await cache.readThrough(at, async () => 'again')).toBe('again');
    expect(await counted(metrics, 'error')).toBe(2);
    await expect(cache.check()).rejects.toBeInstanceOf(CacheUnavailableError);
  });

  describe('Redis goes away and comes back', () => {
    let proxy: RedisProxy;
    beforeAll(async () => {
      proxy = await startRedisProxy();
    });
    afterAll(() => proxy.close());

    it('reconnects, and retries the invalidation that failed, so no process keeps the stale entry', async () => {
      const a = startCache({ redisUrl: proxy.url, redis: fastRedis }); // through the proxy
      const b = startCache({ prefix: a.prefix }); // straight to Redis: another process
      const at = { namespace: 'notes:tasks:owner-1', key: ['open'] };
      let version = 1;
      const load = async () => ({ version });
      expect(await a.cache.readThrough(at, load)).toEqual({ version: 1 });

      await proxy.cut();
      version = 2; // a change committed while A cannot reach Redis
      await a.cache.invalidate('notes:tasks:owner-1');
      expect(await invalidationFailures(a.metrics)).toBe(1);
      // A skips the cache for this namespace: it never serves the stale entry to its writer.
      expect(await a.cache.readThrough(at, load)).toEqual({ version: 2 });
      // B still sees the entry the failed invalidation should have cleared: staleness, bounded by the TTL.
      expect(await b.cache.readThrough(at, load)).toEqual({ version: 1 });

      await proxy.restore();
      // A reconnects in the background and retries its invalidation: B then misses.
      await waitFor(async () => (await b.cache.readThrough(at, load)).version === 2, {
        timeoutMs: 10_000,
        message: 'the failed invalidation was retried after the reconnect',
      });
      await waitFor(async () => {
        await a.cache.readThrough(at, load);
        return (await counted(a.metrics, 'hit')) >= 1;
      });
      expect(a.lines.map((line) => line.msg)).toContain('cache available again');
    });
  });
});

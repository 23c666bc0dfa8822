import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createCache, CacheUnavailableError, type Cache } from '../../shared/cache/index.ts';
import { createMetrics, type Metrics } from '../../shared/observability/metrics.ts';
import { deleteRedisPrefix, REDIS_TEST_URL, uniqueRedisPrefix, withRawRedis } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Conformance of the cache drivers: every case runs unchanged on the in-memory driver and on
 * the real Redis. Driver-specific behaviour (outages, TTLs in Redis) is in
 * tests/integration/cache-redis.test.ts and tests/unit/cache-memory.test.ts.
 */

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
/** Every Redis key of this file starts with it; each test adds its own segment. */
const filePrefix = uniqueRedisPrefix();
let testNumber = 0;

interface CacheEntryUnderTest {
  name: 'memory' | 'redis';
  create(metrics: Metrics): Cache;
}

const cacheEntries: CacheEntryUnderTest[] = [
  { name: 'memory', create: (metrics) => createCache({ metrics, log }) },
  {
    name: 'redis',
    create: (metrics) =>
      createCache({ redisUrl: REDIS_TEST_URL, prefix: `${filePrefix}${++testNumber}:`, metrics, log }),
  },
];

beforeAll(async () => {
  // Fails the run (never skips) when Redis is missing, with a message naming the URL.
  await withRawRedis((redis) => redis.ping());
});

afterAll(() => deleteRedisPrefix(filePrefix));

/** Resolves when `release()` is called: a load the test holds open. */
function deferred<T>() {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (release = resolve));
  return { promise, release };
}

/** A loader that counts its calls and answers `value()` (re-read at each call). */
function countingLoader<T>(value: () => T) {
  const loader = Object.assign(
    async () => {
      loader.calls++;
      return value();
    },
    { calls: 0 },
  );
  return loader;
}

async function counted(metrics: Metrics, group: string, result: string): Promise<number> {
  const { values } = await metrics.cacheRequests.get();
  return values.find((v) => v.labels.namespace_group === group && v.labels.result === result)?.value ?? 0;
}

describe.each(cacheEntries)('cache conformance: $name', (entry) => {
  let cache: Cache;
  let metrics: Metrics;

  afterEach(async () => {
    await cache?.close();
  });
  const start = () => {
    metrics = createMetrics();
    cache = entry.create(metrics);
    return cache;
  };

  it('names its driver and passes its readiness check', async () => {
    const cache = start();
    expect(cache.driver).toBe(entry.name);
    await expect(cache.check()).resolves.toBeUndefined();
  });

  it('serves the second read from the cache: the loader runs once', async () => {
    const cache = start();
    const load = countingLoader(() => ({ tasks: ['a', 'b'] }));
    const at = { namespace: 'notes:tasks:owner-1', key: ['open', 1] };
    expect(await cache.readThrough(at, load)).toEqual({ tasks: ['a', 'b'] });
    expect(await cache.readThrough(at, load)).toEqual({ tasks: ['a', 'b'] });
    expect(load.calls).toBe(1);
  });

  it('misses after the namespace is invalidated and serves the new value', async () => {
    const cache = start();
    let version = 1;
    const load = countingLoader(() => ({ version }));
    const at = { namespace: 'notes:tasks:owner-1', key: ['open', 1] };
    expect(await cache.readThrough(at, load)).toEqual({ version: 1 });
    version = 2;
    await cache.invalidate('notes:tasks:owner-1');
    expect(await cache.readThrough(at, load)).toEqual({ version: 2 });
    expect(await cache.readThrough(at, load)).toEqual({ version: 2 });
    expect(load.calls).toBe(2);
  });

  it('keeps entries with different key parts apart, including 1 vs "1" and null vs undefined', async () => {
    const cache = start();
    const keys = [
      ['open', 1],
      ['open', 2],
      ['open', '1'],
      ['done', 1],
      [null],
      [undefined],
      [],
      ['a,b'],
      ['a', 'b'],
    ];
    const loaders = keys.map((_key, i) => countingLoader(() => ({ i })));
    for (let round = 0; round < 2; round++) {
      for (const [i, key] of keys.entries()) {
        expect(await cache.readThrough({ namespace: 'notes:tasks:o', key }, loaders[i]!)).toEqual({ i });
      }
    }
    expect(loaders.map((l) => l.calls)).toEqual(keys.map(() => 1));
  });

  it('keeps namespaces apart: the same key in two namespaces is two entries', async () => {
    const cache = start();
    const key = ['page', 1];
    expect(await cache.readThrough({ namespace: 'notes:tasks:o', key }, async () => 'tasks')).toBe('tasks');
    expect(await cache.readThrough({ namespace: 'notes:stats:o', key }, async () => 'stats')).toBe('stats');
    // A namespace that is a prefix of another, with ':' in it, is no exception.
    expect(await cache.readThrough({ namespace: 'notes:tasks:o:1', key }, async () => 'nested')).toBe(
      'nested',
    );
    expect(await cache.readThrough({ namespace: 'notes:tasks:o', key }, async () => 'other')).toBe('tasks');
    expect(await cache.readThrough({ namespace: 'notes:stats:o', key }, async () => 'other')).toBe('stats');
  });

  it("invalidating one owner's namespace leaves another owner's entries cached", async () => {
    const cache = start();
    const loadOwner1 = countingLoader(() => 'owner-1 tasks');
    const loadOwner2 = countingLoader(() => 'owner-2 tasks');
    const owner1 = { namespace: 'notes:tasks:owner-1', key: ['open'] };
    const owner2 = { namespace: 'notes:tasks:owner-2', key: ['open'] };
    await cache.readThrough(owner1, loadOwner1);
    await cache.readThrough(owner2, loadOwner2);
    await cache.invalidate('notes:tasks:owner-1');
    await cache.readThrough(owner1, loadOwner1);
    await cache.readThrough(owner2, loadOwner2);
    expect(loadOwner1.calls).toBe(2);
    expect(loadOwner2.calls).toBe(1);
  });

  it('expires an entry after its TTL', async () => {
    const cache = start();
    const load = countingLoader(() => 'value');
    const at = { namespace: 'notes:tasks:o', key: ['ttl'], ttlSeconds: 0.2 };
    await cache.readThrough(at, load);
    // Read until the loader runs again; waitFor's timeout (5 s) fails the test if it never expires.
    await waitFor(async () => (await cache.readThrough(at, load)) === 'value' && load.calls === 2, {
      intervalMs: 50,
      message: 'entry expired',
    });
  });

  it('shares one load among concurrent misses, and gives each caller its own copy', async () => {
    const cache = start();
    const gate = deferred<{ items: string[] }>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const at = { namespace: 'notes:tasks:o', key: ['flight'] };
    const first = cache.readThrough(at, load);
    const second = cache.readThrough(at, load);
    // Hold the load until the second read has either joined the flight (counted as a hit at
    // once) or started a load of its own (the failure this test catches).
    await waitFor(async () => loads === 2 || (await counted(metrics, 'notes:tasks', 'hit')) === 1);
    gate.release({ items: ['x'] });
    const [a, b] = await Promise.all([first, second]);
    expect(loads).toBe(1);
    expect(a).toEqual({ items: ['x'] });
    expect(b).toEqual({ items: ['x'] });
    a.items.push('mutated');
    expect(b.items).toEqual(['x']);
    expect(await cache.readThrough(at, load)).toEqual({ items: ['x'] });
  });

  it('a read after an invalidation does not join, nor later serve, a load that started before it', async () => {
    const cache = start();
    const gate = deferred<string>();
    const at = { namespace: 'notes:tasks:o', key: ['race'] };
    let loading = false;
    const before = cache.readThrough(at, () => {
      loading = true;
      return gate.promise;
    });
    await waitFor(() => loading);
    await cache.invalidate('notes:tasks:o');
    const after = countingLoader(() => 'after the change');
    expect(await cache.readThrough(at, after)).toBe('after the change');
    gate.release('before the change');
    expect(await before).toBe('before the change');
    // The slow, stale load finished last; it must not have replaced the fresh entry.
    expect(await cache.readThrough(at, after)).toBe('after the change');
    expect(after.calls).toBe(1);
  });

  it('returns the JSON round trip of the value, on the miss as on the hit (Dates become strings)', async () => {
    const cache = start();
    const value = {
      when: new Date('2024-05-01T12:00:00.000Z'),
      title: 'naïve café ✓',
      count: 3,
      ratio: 0.5,
      done: false,
      tags: ['a', null],
      gone: undefined,
      nested: { deep: [{ x: 1 }] },
    };
    const expected = {
      when: '2024-05-01T12:00:00.000Z',
      title: 'naïve café ✓',
      count: 3,
      ratio: 0.5,
      done: false,
      tags: ['a', null],
      nested: { deep: [{ x: 1 }] },
    };
    const at = { namespace: 'notes:tasks:o', key: ['json'] };
    const miss = await cache.readThrough(at, async () => value);
    const hit = await cache.readThrough(at, async () => value);
    expect(miss).toStrictEqual(expected);
    expect(hit).toStrictEqual(expected);
  });

  it('caches undefined and null like any other value', async () => {
    const cache = start();
    const loadUndefined = countingLoader(() => undefined);
    const loadNull = countingLoader(() => null);
    for (let i = 0; i < 2; i++) {
      expect(
        await cache.readThrough({ namespace: 'notes:tasks:o', key: ['u'] }, loadUndefined),
      ).toBeUndefined();
      expect(await cache.readThrough({ namespace: 'notes:tasks:o', key: ['n'] }, loadNull)).toBeNull();
    }
    expect(loadUndefined.calls).toBe(1);
    expect(loadNull.calls).toBe(1);
  });

  it('caches nothing when the loader throws, and passes its error on', async () => {
    const cache = start();
    const at = { namespace: 'notes:tasks:o', key: ['fails'] };
    const failure = new Error('database down');
    await expect(cache.readThrough(at, () => Promise.reject(failure))).rejects.toBe(failure);
    const load = countingLoader(() => 'recovered');
    expect(await cache.readThrough(at, load)).toBe('recovered');
    expect(load.calls).toBe(1);
  });

  it('rejects values JSON cannot hold, and malformed entries, with a TypeError', async () => {
    const cache = start();
    await expect(
      cache.readThrough({ namespace: 'notes:tasks:o', key: ['big'] }, async () => ({ n: 1n })),
    ).rejects.toThrow(/not JSON-serialisable/);
    await expect(cache.readThrough({ namespace: '', key: [] }, async () => 1)).rejects.toThrow(TypeError);
    await expect(
      cache.readThrough({ namespace: 'notes:tasks:o', key: [], ttlSeconds: 0 }, async () => 1),
    ).rejects.toThrow(TypeError);
  });

  it('counts hits and misses by namespace group, never by owner', async () => {
    const cache = start();
    const at = (owner: string) => ({ namespace: `notes:tasks:${owner}`, key: ['open'] });
    await cache.readThrough(at('owner-1'), async () => 1);
    await cache.readThrough(at('owner-1'), async () => 1);
    await cache.readThrough(at('owner-2'), async () => 2);
    await cache.readThrough({ namespace: 'gradcafe', key: [] }, async () => 3);
    expect(await counted(metrics, 'notes:tasks', 'miss')).toBe(2);
    expect(await counted(metrics, 'notes:tasks', 'hit')).toBe(1);
    expect(await counted(metrics, 'gradcafe', 'miss')).toBe(1);
    expect(await counted(metrics, 'notes:tasks', 'error')).toBe(0);
    const { values } = await metrics.cacheRequests.get();
    expect(values.map((v) => v.labels.namespace_group).sort()).toEqual([
      'gradcafe',
      'notes:tasks',
      'notes:tasks',
    ]);
  });

  it('after close, reads go to the loader and the readiness check fails', async () => {
    const cache = start();
    const at = { namespace: 'notes:tasks:o', key: ['closed'] };
    await cache.readThrough(at, async () => 'cached');
    await cache.close();
    await cache.close(); // idempotent
    const load = countingLoader(() => 'fresh');
    expect(await cache.readThrough(at, load)).toBe('fresh');
    expect(await cache.readThrough(at, load)).toBe('fresh');
    expect(load.calls).toBe(2);
    await expect(cache.invalidate('notes:tasks:o')).resolves.toBeUndefined();
    await expect(cache.check()).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});

import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createCache } from '../../shared/cache/index.ts';
import { loadConfig } from '../../shared/config.ts';
import { entryKey, keyPartsHash, namespaceGroup } from '../../shared/cache/keys.ts';
import { createMemoryStore } from '../../shared/cache/memory.ts';
import { createOutageLog } from '../../shared/cache/outage-log.ts';
import { createReadThroughCache } from '../../shared/cache/read-through.ts';
import type { CacheStore } from '../../shared/cache/store.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';

/**
 * Without a server: the in-memory driver's own behaviour (exact TTLs on a fake clock, bounded
 * size), failed invalidations on a store that fails on demand, the key layout and the outage
 * log. The cases both drivers share are in tests/conformance/cache.test.ts.
 */

const log = pino({ level: 'silent' });
const metrics = createMetrics();

function counter(value: () => string) {
  const load = Object.assign(async () => (load.calls++, value()), { calls: 0 });
  return load;
}

describe('memory cache', () => {
  it('serves an entry for exactly its TTL, on the injected clock', async () => {
    // lru-cache treats a start time of 0 as "no TTL": begin anywhere else.
    let now = 1_000_000;
    const cache = createCache({ metrics, log, now: () => now });
    const load = counter(() => 'value');
    const at = { namespace: 'notes:tasks:o', key: [], ttlSeconds: 60 };
    await cache.readThrough(at, load);
    now += 60_000;
    await cache.readThrough(at, load);
    expect(load.calls).toBe(1);
    now += 1;
    await cache.readThrough(at, load);
    expect(load.calls).toBe(2);
  });

  it('keeps at most maxEntries, evicting the least recently used', async () => {
    const cache = createCache({ metrics, log, maxEntries: 2 });
    const loads = { a: counter(() => 'a'), b: counter(() => 'b'), c: counter(() => 'c') };
    const read = (name: 'a' | 'b' | 'c') => cache.readThrough({ namespace: 'ns', key: [name] }, loads[name]);
    await read('a');
    await read('b');
    await read('a'); // a is now more recent than b
    await read('c'); // evicts b
    await read('a');
    await read('b');
    expect([loads.a.calls, loads.b.calls, loads.c.calls]).toEqual([1, 2, 1]);
  });

  it('an evicted generation never makes an invalidated entry readable again', async () => {
    // Two entries and two generations at most: the generation of `notes:tasks:a` is evicted
    // while its stale entry is still held.
    const cache = createCache({ metrics, log, maxEntries: 2 });
    const at = { namespace: 'notes:tasks:a', key: [] };
    expect(await cache.readThrough(at, async () => 'before')).toBe('before');
    await cache.invalidate('notes:tasks:a');
    await cache.invalidate('notes:tasks:b');
    await cache.invalidate('notes:tasks:c');
    expect(await cache.readThrough(at, async () => 'after')).toBe('after');
  });

  it('rejects a maxEntries that is not a positive integer', () => {
    expect(() => createCache({ metrics, log, maxEntries: 0 })).toThrow(TypeError);
  });
});

describe('a failed invalidation', () => {
  /** A memory store whose operations fail while `down.renew` / `down.all` say so. */
  function flakyStore() {
    const inner = createMemoryStore();
    const down = { renew: false, all: false };
    const guard =
      <A extends unknown[], R>(op: (...args: A) => Promise<R>, renew = false) =>
      async (...args: A): Promise<R> => {
        if (down.all || (renew && down.renew)) throw new Error('store unavailable');
        return op(...args);
      };
    const store: CacheStore = {
      driver: 'redis',
      generation: guard(inner.generation),
      renewGeneration: guard(inner.renewGeneration, true),
      get: guard(inner.get),
      set: guard(inner.set),
      check: guard(inner.check),
      close: inner.close,
    };
    return { store, down };
  }

  it('does not throw, is counted, and is retried before this process reads the namespace again', async () => {
    const { store, down } = flakyStore();
    const metrics = createMetrics();
    const cache = createReadThroughCache({
      store,
      prefix: 'p:',
      metrics,
      log,
      outage: createOutageLog(log, 'redis'),
    });
    let version = 1;
    const load = counter(() => `v${version}`);
    const at = { namespace: 'notes:tasks:o', key: [] };
    expect(await cache.readThrough(at, load)).toBe('v1');

    version = 2;
    down.renew = true; // only the invalidation fails; reads still reach the store
    await expect(cache.invalidate('notes:tasks:o')).resolves.toBeUndefined();
    const failures = (await metrics.cacheInvalidationFailures.get()).values;
    expect(failures).toMatchObject([{ labels: { namespace_group: 'notes:tasks' }, value: 1 }]);
    // Still failing: the read skips the stored (stale) entry and asks the source.
    expect(await cache.readThrough(at, load)).toBe('v2');

    down.renew = false;
    version = 3;
    // The retry succeeds: a new generation, so the stale v1 entry is gone for good.
    expect(await cache.readThrough(at, load)).toBe('v3');
    expect(await cache.readThrough(at, load)).toBe('v3');
    expect(load.calls).toBe(3);
  });

  it('is retried for every pending namespace by retryPendingInvalidations (the reconnect hook)', async () => {
    const { store, down } = flakyStore();
    const cache = createReadThroughCache({
      store,
      prefix: 'p:',
      metrics: createMetrics(),
      log,
      outage: createOutageLog(log, 'redis'),
    });
    const at = { namespace: 'notes:tasks:o', key: [] };
    await cache.readThrough(at, async () => 'stale');
    down.all = true;
    await cache.invalidate('notes:tasks:o');
    down.all = false;
    await cache.retryPendingInvalidations();
    // What another process sharing the store would now see: the new generation.
    const generation = await store.generation('notes:tasks:o');
    expect(await store.get(entryKey('p:', 'notes:tasks:o', generation, keyPartsHash([])))).toBeUndefined();
  });
});

describe('cache keys', () => {
  it('labels metrics with the first two namespace segments', () => {
    expect(namespaceGroup('notes:tasks:0b6f-uuid')).toBe('notes:tasks');
    expect(namespaceGroup('notes:tasks')).toBe('notes:tasks');
    expect(namespaceGroup('gradcafe')).toBe('gradcafe');
  });

  it('hashes key parts to a stable, fixed-length, type-aware digest', () => {
    const hash = keyPartsHash(['open', 2, true, null, undefined]);
    expect(hash).toBe(keyPartsHash(['open', 2, true, null, undefined]));
    expect(hash).toMatch(/^[\w-]{22}$/);
    const distinct = [
      [1],
      ['1'],
      [true],
      ['true'],
      [null],
      [undefined],
      ['null'],
      [],
      [''],
      ['a', 'b'],
      ['a,b'],
    ];
    expect(new Set(distinct.map(keyPartsHash)).size).toBe(distinct.length);
  });

  it('lays out entry keys as <prefix>v:<namespace>:<generation>:<hash>', () => {
    expect(entryKey('fnstack:', 'notes:tasks:o1', '7', 'h')).toBe('fnstack:v:notes:tasks:o1:7:h');
  });
});

describe('cache outage log', () => {
  function capture() {
    const lines: Array<{ level: number; msg: string; failures?: number }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { lines, logger };
  }

  it('warns once per outage, reminds every minute with a count, and says when it is over', () => {
    const { lines, logger } = capture();
    let now = 0;
    const outage = createOutageLog(logger, 'redis', () => now);
    outage.succeeded(); // nothing to say while healthy
    for (let i = 0; i < 100; i++) outage.failed(new Error('ECONNREFUSED'));
    expect(lines.map((l) => l.msg)).toEqual(['cache unavailable: answering from the source']);
    now += 60_000;
    outage.failed(new Error('ECONNREFUSED'));
    expect(lines[1]).toMatchObject({ msg: 'cache still unavailable', failures: 101 });
    outage.succeeded();
    outage.succeeded();
    expect(lines.slice(2).map((l) => l.msg)).toEqual(['cache available again']);
    outage.failed(new Error('again'));
    expect(lines.at(-1)?.msg).toBe('cache unavailable: answering from the source');
  });
});

describe('CACHE_ENABLED=false', () => {
  it('loads on every read, with the same JSON shape as a cache would give', async () => {
    expect(loadConfig({ CACHE_ENABLED: 'false' }).CACHE_ENABLED).toBe(false);
    const cache = createCache({ enabled: false, metrics: createMetrics(), log: pino({ level: 'silent' }) });
    let loads = 0;
    const read = () =>
      cache.readThrough({ namespace: 'notes:tasks:x', key: [1], ttlSeconds: 60 }, async () => {
        loads += 1;
        return { at: new Date(0) };
      });
    expect(await read()).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    await read();
    expect(loads).toBe(2);
    expect(cache.driver).toBe('off');
  });
});

import type { LRUCache } from 'lru-cache';
import { lazy } from '../lazy.ts';
import type { CacheStore } from './store.ts';

export const DEFAULT_MAX_ENTRIES = 10_000;

export interface MemoryStoreOptions {
  /** Entries kept at most; the least recently used go first. Default 10,000. */
  maxEntries?: number;
  /** Milliseconds clock for TTLs; tests pass a fake one. Default `performance.now`. */
  now?: () => number;
}

/**
 * The embedded default: an LRU in this process. Its limit: only this process sees its
 * entries and its invalidations, so it suits one process (the local runner), not several
 * workers or Lambda containers, which would each serve their own stale copies until the TTL.
 *
 * @example
 *   const store = createMemoryStore({ maxEntries: 1_000 });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): CacheStore {
  const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError(`maxEntries must be a positive integer, got ${max}`);
  const perf = options.now ? { now: options.now } : undefined;
  // lru-cache is loaded on first use: every Lambda bundle carries this module (the platform's
  // cache), yet on Lambda the cache is Redis or nothing, and ~19 KB would load at each cold start.
  let created: { entries: LRUCache<string, string>; generations: LRUCache<string, string> } | undefined;
  const maps = lazy(async () => {
    const { LRUCache } = await import('lru-cache');
    return (created = {
      // ttlResolution 0: read the clock at every get, so an entry never outlives its TTL by a tick.
      entries: new LRUCache<string, string>({ max, ttlResolution: 0, ...(perf ? { perf } : {}) }),
      // Bounded too (one per namespace, e.g. per owner). Evicting a generation only costs misses:
      // the namespace gets a never-used number, so its old entries stay unreachable.
      generations: new LRUCache<string, string>({ max }),
    });
  });
  let lastGeneration = 0;
  let closed = false;

  const nextGeneration = () => String(++lastGeneration);
  const assertOpen = () => {
    if (closed) throw new Error('memory cache is closed');
  };

  return {
    driver: 'memory',
    async generation(namespace) {
      assertOpen();
      const { generations } = await maps();
      let generation = generations.get(namespace);
      if (generation === undefined) {
        generation = nextGeneration();
        generations.set(namespace, generation);
      }
      return generation;
    },
    async renewGeneration(namespace) {
      assertOpen();
      const { generations } = await maps();
      generations.set(namespace, nextGeneration());
    },
    async get(key) {
      assertOpen();
      const { entries } = await maps();
      return entries.get(key);
    },
    async set(key, value, ttlMs) {
      assertOpen();
      const { entries } = await maps();
      entries.set(key, value, { ttl: ttlMs });
    },
    async check() {
      assertOpen();
    },
    async close() {
      closed = true;
      created?.entries.clear();
      created?.generations.clear();
    },
  };
}

import type { Logger } from 'pino';
import { createMemoryStore } from './memory.ts';
import { createOutageLog } from './outage-log.ts';
import { decodeValue, encodeValue } from './codec.ts';
import type { Cache } from './port.ts';
import { createReadThroughCache, type CacheMetrics, type ReadThroughCache } from './read-through.ts';
import { createRedisStore, type RedisStoreOptions } from './redis.ts';

export type { Cache, CacheEntry, CacheKeyPart, CacheResult } from './port.ts';
export { CacheUnavailableError } from './errors.ts';
export { DEFAULT_TTL_SECONDS, type CacheMetrics } from './read-through.ts';
export { namespaceGroup } from './keys.ts';

export interface CacheOptions {
  /** False: no cache, every read loads (the values still make the JSON round trip, so callers see one shape). */
  enabled?: boolean;
  /** Set: the Redis driver (shared by every process). Unset: the in-memory driver (this process only). */
  redisUrl?: string;
  /** Prepended to every Redis key. Default `fnstack:`. */
  prefix?: string;
  /** The process's metrics (`createMetrics()`); on Lambda the no-op proxy. */
  metrics: CacheMetrics;
  log: Logger;
  /** Memory driver: entries kept at most (least recently used evicted). Default 10,000. */
  maxEntries?: number;
  /** Memory driver: milliseconds clock for TTLs, for tests. */
  now?: () => number;
  /** Redis driver: timeouts, pause, reconnect backoff, generation TTL (see RedisStoreOptions). */
  redis?: Pick<
    RedisStoreOptions,
    'connectTimeoutMs' | 'commandTimeoutMs' | 'pauseAfterTimeoutMs' | 'reconnect' | 'generationTtlSeconds'
  >;
}

export const DEFAULT_CACHE_PREFIX = 'fnstack:';

/**
 * The platform cache: Redis when `redisUrl` is set, else an in-process LRU. Creating it does
 * no I/O; the Redis driver connects on first use.
 *
 * @example
 *   const cache = createCache({ redisUrl: config.REDIS_URL, metrics, log });
 *   const stats = await cache.readThrough(
 *     { namespace: `notes:stats:${ownerId}`, key: [], ttlSeconds: 60 },
 *     () => loadStats(db, ownerId),
 *   );
 *   // after a committed change:
 *   await cache.invalidate(`notes:stats:${ownerId}`);
 */
export function createCache(options: CacheOptions): Cache {
  if (options.enabled === false) return disabledCache;
  const prefix = options.prefix ?? DEFAULT_CACHE_PREFIX;
  const log = options.log.child({ component: 'cache' });
  if (!options.redisUrl) {
    const store = createMemoryStore({
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    return createReadThroughCache({
      store,
      prefix,
      metrics: options.metrics,
      log,
      outage: createOutageLog(log, 'memory'),
    });
  }
  const outage = createOutageLog(log, 'redis');
  const store = createRedisStore({
    ...options.redis,
    url: options.redisUrl,
    prefix,
    outage,
    // Only called once connected, which is after `cache` below exists.
    onReady: () => void cache.retryPendingInvalidations(),
  });
  const cache: ReadThroughCache = createReadThroughCache({
    store,
    prefix,
    metrics: options.metrics,
    log,
    outage,
  });
  return cache;
}

/** CACHE_ENABLED=false: the same interface, no caching, nothing to connect to. */
const disabledCache: Cache = {
  driver: 'off',
  readThrough: async (entry, load) => decodeValue(encodeValue(await load(), entry.namespace)),
  invalidate: async () => undefined,
  check: async () => undefined,
  close: async () => undefined,
};

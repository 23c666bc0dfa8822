/**
 * The cache port: a read-through cache in front of the database. A cache is an optimisation:
 * whatever happens to its backend, `readThrough` answers (from the source when it must) and
 * never fails because of the cache.
 *
 * Values are stored as JSON and every read returns a JSON round trip of the loaded value, on a
 * miss as on a hit, so code sees one shape: a `Date` comes back as its ISO string, `undefined`
 * object properties disappear, a `Map` becomes `{}`. A value JSON cannot represent (a BigInt, a
 * cycle) is a programming error and throws a TypeError.
 */

/** One part of an entry's key: an owner id, a filter value, a page number. */
export type CacheKeyPart = string | number | boolean | null | undefined;

export interface CacheEntry {
  /**
   * What `invalidate` clears as a whole, e.g. `notes:tasks:<ownerId>`. Its first two
   * `:`-segments (`notes:tasks`) label the metrics, so they must be fixed names, never ids.
   */
  namespace: string;
  /** Everything the cached value depends on besides the namespace: filters, page, sort. */
  key: readonly CacheKeyPart[];
  /** How long the value may be served. Default 60 s. Fractions are allowed (0.5 = 500 ms). */
  ttlSeconds?: number;
}

/** How a read was answered; the `result` label of `cache_requests_total`. */
export type CacheResult = 'hit' | 'miss' | 'error';

export interface Cache {
  /** `off`: no cache at all, every read loads (CACHE_ENABLED=false). */
  readonly driver: 'memory' | 'redis' | 'off';
  /**
   * The value cached under (namespace, key), else `load()`'s result, stored for `ttlSeconds`.
   * Concurrent misses for one entry in this process share one `load()` (single flight).
   * When the backend fails, `load()` answers (logged once per outage, counted as `error`).
   * A `load()` that throws caches nothing and its error reaches the caller.
   *
   * @example
   *   const page = await cache.readThrough(
   *     { namespace: `notes:tasks:${ownerId}`, key: [status, pageNo], ttlSeconds: 60 },
   *     () => listTasks(db, { ownerId, status, pageNo }),
   *   );
   */
  readThrough<T>(entry: CacheEntry, load: () => Promise<T>): Promise<T>;
  /**
   * Every entry of `namespace` misses from now on, in every process sharing the backend. Call
   * it after the change committed. Never throws: when the backend refuses, the failure is
   * logged and counted, reads of the namespace in this process skip the cache until a retry
   * succeeds, and other processes may serve stale entries until their TTL (keep TTLs short).
   *
   * @example
   *   await tx.query('update tasks set done = true where id = $1', [id]);  // committed
   *   await cache.invalidate(`notes:tasks:${ownerId}`);
   */
  invalidate(namespace: string): Promise<void>;
  /** Readiness: throws CacheUnavailableError when the backend is unreachable (memory: only once closed). */
  check(): Promise<void>;
  /** Releases the backend. Idempotent. Reads after it go straight to `load()`. */
  close(): Promise<void>;
}

import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { decodeValue, encodeValue } from './codec.ts';
import { CacheUnavailableError } from './errors.ts';
import { assertNamespace, entryKey, keyPartsHash, namespaceGroup } from './keys.ts';
import type { OutageLog } from './outage-log.ts';
import type { Cache, CacheEntry, CacheResult } from './port.ts';
import type { CacheStore } from './store.ts';

export const DEFAULT_TTL_SECONDS = 60;
/** Failed invalidations remembered for a retry; past this, the oldest rely on their TTL alone. */
const MAX_PENDING_INVALIDATIONS = 10_000;

export type CacheMetrics = Pick<Metrics, 'cacheRequests' | 'cacheInvalidationFailures'>;

export interface ReadThroughOptions {
  store: CacheStore;
  /** Prepended to every key, e.g. `fnstack:`; isolates deployments (and test files) sharing a Redis. */
  prefix: string;
  metrics: CacheMetrics;
  log: Logger;
  outage: OutageLog;
}

export interface ReadThroughCache extends Cache {
  /** Retries invalidations the backend refused; the Redis driver calls it on reconnect. */
  retryPendingInvalidations(): Promise<void>;
}

/** A settled lookup: the stored JSON (for callers that shared the flight) and the owner's copy. */
interface Lookup {
  stored: string;
  value: unknown;
}

/**
 * The read-through logic every driver shares, over a CacheStore.
 *
 * - The generation is read BEFORE `load()` and the value stored under it: if the namespace is
 *   invalidated while `load()` runs, the possibly stale value lands in a generation nobody
 *   reads any more, instead of overwriting a fresh one.
 * - Single flight is keyed by the full entry key, generation included: a read that starts after
 *   an invalidation never joins a load that started before it.
 * - `result` counts each call once: `hit` = answered without a load of its own (from the cache or
 *   by sharing a concurrent load), `miss` = its load ran, `error` = the backend failed and the
 *   source answered. A failed store after a successful load stays a `miss` (and is logged).
 */
export function createReadThroughCache(options: ReadThroughOptions): ReadThroughCache {
  const { store, prefix, metrics, log, outage } = options;
  const flights = new Map<string, Promise<Lookup>>();
  // Insertion-ordered, so the oldest is dropped first when full.
  const pendingInvalidations = new Set<string>();
  let closed = false;

  const count = (namespace: string, result: CacheResult) =>
    metrics.cacheRequests.inc({ namespace_group: namespaceGroup(namespace), result });

  const backendFailed = (err: unknown) => {
    // In-flight reads that finish during shutdown find the store closed: not an outage.
    if (!closed) outage.failed(err);
  };

  async function fromSource<T>(namespace: string, load: () => Promise<T>): Promise<T> {
    return decodeValue<T>(encodeValue(await load(), namespace));
  }

  async function retryInvalidation(namespace: string): Promise<void> {
    await store.renewGeneration(namespace);
    pendingInvalidations.delete(namespace);
  }

  async function lookupOrLoad(
    key: string,
    entry: CacheEntry,
    ttlMs: number,
    load: () => Promise<unknown>,
  ): Promise<Lookup> {
    let stored: string | undefined;
    let value: unknown;
    try {
      stored = await store.get(key);
      // Parsed here, so a corrupt entry counts as a backend failure instead of failing the read.
      if (stored !== undefined) value = decodeValue(stored);
      outage.succeeded();
    } catch (err) {
      backendFailed(err);
      count(entry.namespace, 'error');
      const loaded = encodeValue(await load(), entry.namespace);
      return { stored: loaded, value: decodeValue(loaded) };
    }
    if (stored !== undefined) {
      count(entry.namespace, 'hit');
      return { stored, value };
    }
    count(entry.namespace, 'miss');
    const loaded = encodeValue(await load(), entry.namespace);
    try {
      await store.set(key, loaded, ttlMs);
    } catch (err) {
      backendFailed(err);
    }
    return { stored: loaded, value: decodeValue(loaded) };
  }

  return {
    driver: store.driver,

    async readThrough<T>(entry: CacheEntry, load: () => Promise<T>): Promise<T> {
      const { namespace } = entry;
      assertNamespace(namespace);
      const ttlMs = ttlMsOf(entry.ttlSeconds);
      const hash = keyPartsHash(entry.key);
      if (closed) return fromSource(namespace, load);
      let key: string;
      try {
        if (pendingInvalidations.has(namespace)) await retryInvalidation(namespace);
        key = entryKey(prefix, namespace, await store.generation(namespace), hash);
      } catch (err) {
        backendFailed(err);
        count(namespace, 'error');
        return fromSource(namespace, load);
      }
      const shared = flights.get(key);
      if (shared) {
        count(namespace, 'hit');
        // Each caller gets its own copy: one caller mutating its result cannot change another's.
        return decodeValue<T>((await shared).stored);
      }
      const flight = lookupOrLoad(key, entry, ttlMs, load).finally(() => flights.delete(key));
      flights.set(key, flight);
      return (await flight).value as T;
    },

    async invalidate(namespace) {
      assertNamespace(namespace);
      if (closed) return;
      try {
        await retryInvalidation(namespace);
        outage.succeeded();
      } catch (err) {
        // The change is committed already: failing the caller now would report a failed write
        // that succeeded. Reads of this namespace here skip the cache until a retry succeeds.
        if (pendingInvalidations.size >= MAX_PENDING_INVALIDATIONS) {
          pendingInvalidations.delete(pendingInvalidations.values().next().value!);
        }
        pendingInvalidations.add(namespace);
        metrics.cacheInvalidationFailures.inc({ namespace_group: namespaceGroup(namespace) });
        log.error(
          { err, namespace, cacheDriver: store.driver },
          'cache invalidation failed: other processes may serve stale entries until it is retried or they expire',
        );
      }
    },

    async retryPendingInvalidations() {
      for (const namespace of [...pendingInvalidations]) {
        if (closed) return;
        try {
          await retryInvalidation(namespace);
        } catch (err) {
          backendFailed(err);
          return; // still down; the next reconnect or read retries
        }
      }
    },

    async check() {
      if (closed) throw new CacheUnavailableError(`${store.driver} cache is closed`);
      try {
        await store.check();
      } catch (err) {
        throw new CacheUnavailableError(`${store.driver} cache unreachable: ${messageOf(err)}`, {
          cause: err,
        });
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
}

function ttlMsOf(ttlSeconds: number = DEFAULT_TTL_SECONDS): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError(`Cache ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return Math.ceil(ttlSeconds * 1000);
}

/** Some driver errors have an empty message (a refused dual-stack connect): the class name says more. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message || err.constructor.name : String(err);
}

import type { Cache } from '../../../shared/cache/port.ts';

/**
 * The Notes app's cache namespaces. The first two `:`-segments label the cache metrics, so they
 * are fixed names and the owner id comes third. Every committed change to an owner's tasks
 * calls `invalidateOwner`, which clears the owner's listings, the owner's statistics and the
 * admins' multi-owner statistics (they count this owner too).
 *
 * @example
 *   await cache.readThrough({ namespace: tasksNamespace(ownerId), key: [status, limit, offset], ttlSeconds: TTL_SECONDS }, load);
 *   await invalidateOwner(cache, ownerId); // after the change committed
 */
export const TTL_SECONDS = 60;

export const tasksNamespace = (ownerId: string) => `notes:tasks:${ownerId}`;
export const statsNamespace = (ownerId: string) => `notes:stats:${ownerId}`;
export const ALL_STATS_NAMESPACE = 'notes:stats:all';

export async function invalidateOwner(cache: Cache, ownerId: string): Promise<void> {
  // `invalidate` never throws (a backend failure is logged and retried by the cache).
  await Promise.all([
    cache.invalidate(tasksNamespace(ownerId)),
    cache.invalidate(statsNamespace(ownerId)),
    cache.invalidate(ALL_STATS_NAMESPACE),
  ]);
}

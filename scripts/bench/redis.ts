import { createClient } from 'redis';

/** Bare node-redis for the bench: a reachability check, and removing the keys a run left behind. */

type RawRedis = Awaited<ReturnType<typeof connect>>;

async function connect(url: string) {
  // No reconnects and no offline queue: a missing server must fail at once, saying where.
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: false, connectTimeout: 5_000 },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`the bench needs Redis at ${url} (set BENCH_REDIS_URL): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return client;
}

async function withRedis<T>(url: string, work: (redis: RawRedis) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Throws, naming the URL, unless Redis answers a PING. */
export async function assertRedisReachable(url: string): Promise<void> {
  await withRedis(url, (redis) => redis.ping());
}

/**
 * Delete every key under `prefix`, found with SCAN (never KEYS: it would block a shared
 * server); returns how many there were.
 *
 * @example
 *   await deleteRedisPrefix('redis://127.0.0.1:6379', 'bench3f9a1c2e:');
 */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<number> {
  return withRedis(url, async (redis) => {
    let deleted = 0;
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of redis.scanIterator({ MATCH: match, COUNT: 500 })) {
      if (keys.length > 0) deleted += await redis.del(keys);
    }
    return deleted;
  });
}

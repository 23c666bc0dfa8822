import { createClient } from 'redis';

/** A bare node-redis client that fails at once, without reconnects or an offline queue, if Redis is away. */
async function connect(url: string) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: false, connectTimeout: 5_000 },
  });
  client.on('error', () => undefined);
  await client.connect().catch((err: unknown) => {
    throw new Error(`no Redis at ${url} (set BENCH_REDIS_URL): ${(err as Error).message}`, { cause: err });
  });
  return client;
}

export async function withRedis<T>(
  url: string,
  work: (redis: Awaited<ReturnType<typeof connect>>) => Promise<T>,
): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Delete every key under `prefix`, found with SCAN (KEYS would block a shared server). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  await withRedis(url, async (redis) => {
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of redis.scanIterator({ MATCH: match, COUNT: 500 })) {
      if (keys.length > 0) await redis.del(keys);
    }
  });
}

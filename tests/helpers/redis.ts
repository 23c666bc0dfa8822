import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createClient } from 'redis';

/**
 * Test helpers for the real Redis: isolated key prefixes, raw access that bypasses the cache,
 * and a TCP proxy the test can cut or freeze, as an outage or a hung server would.
 */

export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix (`t1a2b3c4d:`), so each test file has its own keys. */
export function uniqueRedisPrefix(): string {
  return `t${randomUUID().slice(0, 8)}:`;
}

type RawRedis = Awaited<ReturnType<typeof connectRaw>>;

async function connectRaw() {
  // No reconnects: a missing server must fail the test at once, with a message saying why.
  const client = createClient({
    url: REDIS_TEST_URL,
    socket: { reconnectStrategy: false, connectTimeout: 5_000 },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Tests need Redis at ${REDIS_TEST_URL} (set TEST_REDIS_URL to use another): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return client;
}

/**
 * Run `work` on a client of its own, closed afterwards.
 *
 * @example
 *   const ttl = await withRawRedis((redis) => redis.pTTL(key));
 */
export async function withRawRedis<T>(work: (redis: RawRedis) => Promise<T>): Promise<T> {
  const client = await connectRaw();
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Every key under `prefix`, found with SCAN (never KEYS: it would block a shared server). */
export async function redisKeys(prefix: string): Promise<string[]> {
  return withRawRedis(async (redis) => {
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${globEscape(prefix)}*`, COUNT: 500 })) {
      keys.push(...batch);
    }
    return keys;
  });
}

/** Delete every key under `prefix`; call it in `afterAll` with the file's prefix. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const keys = await redisKeys(prefix);
  if (keys.length === 0) return;
  await withRawRedis(async (redis) => {
    for (let i = 0; i < keys.length; i += 500) await redis.del(keys.slice(i, i + 500));
  });
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

export interface RedisProxy {
  /** `redis://127.0.0.1:<port>`: a Redis reached through the proxy. */
  url: string;
  /** Drop every connection and refuse new ones, as a Redis that went down. */
  cut(): Promise<void>;
  /** Accept connections again on the same port, as a Redis that came back. */
  restore(): Promise<void>;
  /** Keep connections open but forward nothing more, as a hung server or a half-open link. */
  freeze(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the test Redis.
 *
 * @example
 *   const proxy = await startRedisProxy();
 *   const cache = createCache({ redisUrl: proxy.url, ... });
 *   await proxy.cut();
 */
export async function startRedisProxy(): Promise<RedisProxy> {
  const target = new URL(REDIS_TEST_URL);
  const sockets = new Set<Socket>();
  let frozen = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A cut resets connections mid-command: expected, and the client reports it itself.
    socket.on('error', () => undefined);
  };
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk) => {
      if (!frozen) to.write(chunk);
    });
  const onConnection = (client: Socket) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    forward(client, upstream);
    forward(upstream, client);
  };
  let server: Server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(REDIS_TEST_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return {
    url: url.toString(),
    cut: stop,
    async restore() {
      frozen = false;
      server = createServer(onConnection);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    freeze() {
      frozen = true;
    },
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

/**
 * A server that accepts TCP connections and never answers: the Redis handshake hangs.
 *
 * @example
 *   const silent = await startSilentServer();
 *   createCache({ redisUrl: silent.url, ... });
 */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

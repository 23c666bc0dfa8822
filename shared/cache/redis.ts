import { randomBytes } from 'node:crypto';
import { TimeoutError, withTimeout } from '../timeout.ts';
import { generationKey } from './keys.ts';
import type { OutageLog } from './outage-log.ts';
import type { CacheStore } from './store.ts';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  prefix: string;
  outage: OutageLog;
  /** Bounds one TCP connect, and how long the first use waits for the first connection. Default 1000. */
  connectTimeoutMs?: number;
  /** A command unanswered this long fails, so a hung Redis delays a read by this much at most. Default 500. */
  commandTimeoutMs?: number;
  /**
   * After a command timed out, commands fail at once for this long (default 1000), so that a
   * hung Redis delays one request per pause by a timeout, not every request. A reconnect ends it.
   */
  pauseAfterTimeoutMs?: number;
  /** Backoff between reconnects: exponential from base, capped, ±20% jitter. Default 50 ms to 2 s. */
  reconnect?: { baseDelayMs: number; maxDelayMs: number };
  /**
   * How long a namespace keeps its generation after it was created or renewed. Default 1 day.
   * It bounds how many generation keys pile up (one per owner); when one expires, the
   * namespace gets a fresh generation, which costs one miss per entry, never a stale read.
   */
  generationTtlSeconds?: number;
  /** Runs after every (re)connect; the cache retries failed invalidations there. */
  onReady?: () => void;
}

const CLOSE_TIMEOUT_MS = 1_000;

/**
 * The Redis backend (node-redis). It connects on first use, so a process (or a Lambda
 * container) that never reads the cache never opens a connection nor loads the client.
 *
 * Failing fast is the point: reads fall back to the source, so waiting for Redis only adds
 * latency. The offline queue is off (a command while disconnected rejects at once instead of
 * waiting for a reconnect), commands time out (and a timeout pauses Redis use for a moment),
 * and only the very first use waits, at most a connect timeout, for the first connection.
 * Reconnecting happens in the background, forever, with backoff, until `close()`.
 *
 * @example
 *   const store = createRedisStore({ url: 'redis://127.0.0.1:6379', prefix: 'fnstack:', outage });
 */
export function createRedisStore(options: RedisStoreOptions): CacheStore {
  const { prefix, outage } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 500;
  const reconnect = options.reconnect ?? { baseDelayMs: 50, maxDelayMs: 2_000 };
  const generationTtlSeconds = options.generationTtlSeconds ?? 86_400;
  const pauseAfterTimeoutMs = options.pauseAfterTimeoutMs ?? 1_000;
  let pausedUntil = 0;
  let starting: ReturnType<typeof start> | undefined;
  let closed = false;

  async function start() {
    // Loaded here, not at the top: the memory driver and cache-less bundles never pay for it.
    const { createClient } = await import('redis');
    const client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      commandOptions: { timeout: commandTimeoutMs },
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries) =>
          Math.min(reconnect.maxDelayMs, reconnect.baseDelayMs * 2 ** retries) * (0.8 + Math.random() * 0.4),
      },
    });
    // Emitted on every failed (re)connect attempt; without a listener it would crash the process.
    client.on('error', (err: unknown) => outage.failed(err));
    client.on('ready', () => {
      pausedUntil = 0;
      outage.succeeded();
      options.onReady?.();
    });
    const firstAttempt = new Promise<void>((resolve) => {
      client.once('ready', () => resolve());
      client.once('error', () => resolve());
    });
    // Resolves once connected; rejects only when closed before that. Retries run inside it.
    client.connect().catch(() => undefined);
    // A connect that neither succeeds nor fails (a server that accepts but never answers the
    // handshake) must not hold the first read longer than a connect timeout either.
    await withTimeout(firstAttempt, connectTimeoutMs).catch(() => undefined);
    return client;
  }

  async function client() {
    if (closed) throw new Error('redis cache is closed');
    starting ??= start();
    return starting;
  }

  /**
   * Run one command within the command timeout. node-redis's own `timeout` only covers the
   * wait before the command is written: once sent, it waits for a reply forever, so a hung
   * server or a half-open connection would hang the read without this.
   */
  async function run<T>(command: (redis: Awaited<ReturnType<typeof client>>) => Promise<T>): Promise<T> {
    if (Date.now() < pausedUntil) throw new Error('redis cache paused after a command timeout');
    const redis = await client();
    try {
      return await withTimeout(command(redis), commandTimeoutMs);
    } catch (err) {
      if (err instanceof TimeoutError) pausedUntil = Date.now() + pauseAfterTimeoutMs;
      throw err;
    }
  }

  const freshGeneration = () => randomBytes(9).toString('base64url');
  const generationExpiry = { type: 'EX', value: generationTtlSeconds } as const;

  return {
    driver: 'redis',

    async generation(namespace) {
      const key = generationKey(prefix, namespace);
      const current = await run((redis) => redis.get(key));
      if (current !== null) return current;
      const fresh = freshGeneration();
      const created = await run((redis) =>
        redis.set(key, fresh, { condition: 'NX', expiration: generationExpiry }),
      );
      if (created === 'OK') return fresh;
      // Another process created it between our GET and SET: use theirs.
      return (await run((redis) => redis.get(key))) ?? fresh;
    },

    async renewGeneration(namespace) {
      const key = generationKey(prefix, namespace);
      await run((redis) => redis.set(key, freshGeneration(), { expiration: generationExpiry }));
    },

    async get(key) {
      return (await run((redis) => redis.get(key))) ?? undefined;
    },

    async set(key, value, ttlMs) {
      await run((redis) => redis.set(key, value, { expiration: { type: 'PX', value: ttlMs } }));
    },

    async check() {
      // Not `run`: readiness must see the live state, not a pause.
      const redis = await client();
      await withTimeout(redis.ping(), commandTimeoutMs);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (!starting) return;
      const redis = await starting;
      if (redis.isReady) {
        // Lets in-flight commands (a SET after a load) finish, within a bound.
        await withTimeout(redis.close(), CLOSE_TIMEOUT_MS).catch(() => redis.destroy());
      } else {
        redis.destroy();
      }
    },
  };
}

import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import { AppError, QueueUnavailableError } from '../../errors.ts';
import { retryDelayMs } from '../port.ts';
import { closeQuietly } from './channels.ts';

export interface ConnectionOptions {
  url: string;
  /** Shown by `rabbitmqctl list_connections client_properties` and the management UI. */
  connectionName: string;
  /** Bounds TCP connect plus the AMQP handshake, so a dead broker is reported fast. */
  connectTimeoutMs: number;
  /** Backoff between reconnect attempts: exponential from base, capped, with jitter. */
  reconnect: { baseDelayMs: number; maxDelayMs: number };
  /**
   * Runs on every new connection before anyone else can use it (declare the topology): a publish
   * can never reach a broker that does not have the queues yet. A failure fails the connect.
   */
  setUp?: ConnectHook;
  log: Logger;
}

/** Runs after every successful (re)connect, in registration order: re-declare, resume consumers. */
export type ConnectHook = (connection: ChannelModel) => Promise<void>;

/**
 * Owns the single AMQP connection of a driver and keeps it alive.
 *
 * The first connection is made on demand (`get()`); a failure is reported to the caller at
 * once and nothing retries in the background, because nothing depends on the broker yet.
 * Once connected, a lost connection is re-established in the background with backoff and
 * jitter until `close()`, and `get()` fails fast meanwhile instead of making callers wait:
 * an HTTP route should answer 503 now, not after the broker comes back.
 */
export interface ConnectionManager {
  /** The live connection; connects on first use; throws QueueUnavailableError when there is none. */
  get(): Promise<ChannelModel>;
  onConnect(hook: ConnectHook): void;
  /** Stops reconnecting and closes the connection. Idempotent. */
  close(): Promise<void>;
}

export function createConnectionManager(options: ConnectionOptions): ConnectionManager {
  const { log } = options;
  const hooks: ConnectHook[] = [];
  const backoff = { attempts: Number.POSITIVE_INFINITY, ...options.reconnect };
  let current: ChannelModel | null = null;
  let connecting: Promise<ChannelModel> | null = null;
  // Set once the first connection has been fully set up; from then on, losing it means "reconnect".
  let established = false;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let reconnectAttempt = 0;
  let closing: Promise<void> | null = null;

  async function open(): Promise<ChannelModel> {
    const connection = await amqp.connect(withDefaultHeartbeat(options.url), {
      // amqplib applies this socket timeout until the handshake is done, then clears it.
      timeout: options.connectTimeoutMs,
      // Without it, Nagle's algorithm holds small frames (an ack, a nack before a close) for
      // up to 40 ms waiting for the peer's delayed ACK.
      noDelay: true,
      clientProperties: { connection_name: options.connectionName },
    });
    // Without an 'error' listener a broker-side close would be an uncaught exception.
    connection.on('error', (err: Error) => log.warn({ err }, 'rabbitmq connection error'));
    connection.on('close', () => onClosed(connection));
    connection.on('blocked', (reason: string) => log.warn({ reason }, 'rabbitmq blocked publishing'));
    connection.on('unblocked', () => log.info('rabbitmq unblocked publishing'));
    watchForSilence(connection);
    return connection;
  }

  function onClosed(connection: ChannelModel): void {
    if (current !== connection) return;
    current = null;
    if (closing || !established) return;
    log.warn('rabbitmq connection lost');
    scheduleReconnect();
  }

  async function connectAndSetUp(): Promise<ChannelModel> {
    const connection = await open();
    if (closing) {
      await closeQuietly(connection);
      throw new QueueUnavailableError('RabbitMQ driver is closed');
    }
    try {
      await options.setUp?.(connection);
      // Visible before the hooks run: a consumer resumed by a hook may need to publish a retry.
      current = connection;
      for (const hook of hooks) await hook(connection);
    } catch (err) {
      await closeQuietly(connection);
      throw err;
    }
    established = true;
    return connection;
  }

  function scheduleReconnect(): void {
    if (closing || reconnectTimer || connecting) return;
    reconnectAttempt += 1;
    const delayMs = retryDelayMs(backoff, reconnectAttempt);
    log.info({ attempt: reconnectAttempt, delayMs }, 'rabbitmq reconnect scheduled');
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void reconnect();
    }, delayMs);
  }

  async function reconnect(): Promise<void> {
    connecting = connectAndSetUp();
    try {
      await connecting;
      log.info({ attempts: reconnectAttempt }, 'rabbitmq reconnected');
      reconnectAttempt = 0;
    } catch (err) {
      log.warn({ err, attempt: reconnectAttempt }, 'rabbitmq reconnect failed');
    } finally {
      connecting = null;
    }
    // Also covers a connection that dropped again while its hooks were still running.
    if (!current && !closing) scheduleReconnect();
  }

  async function connectFirst(): Promise<ChannelModel> {
    connecting ??= connectAndSetUp().finally(() => {
      connecting = null;
    });
    try {
      return await connecting;
    } catch (err) {
      // Our own errors (unavailable, a topology conflict found by setUp) say what happened already.
      if (err instanceof AppError) throw err;
      throw new QueueUnavailableError(
        `RabbitMQ at ${brokerAddress(options.url)} unreachable: ${messageOf(err)}`,
        {
          cause: err,
        },
      );
    }
  }

  return {
    async get() {
      if (closing) throw new QueueUnavailableError('RabbitMQ driver is closed');
      if (current) return current;
      if (established) {
        throw new QueueUnavailableError(
          `RabbitMQ connection to ${brokerAddress(options.url)} lost; reconnecting`,
        );
      }
      return connectFirst();
    },

    onConnect(hook) {
      hooks.push(hook);
    },

    close() {
      closing ??= (async () => {
        if (reconnectTimer) clearTimeout(reconnectTimer);
        reconnectTimer = null;
        await connecting?.catch(() => undefined);
        const connection = current;
        current = null;
        if (connection) await closeQuietly(connection);
      })();
      return closing;
    },
  };
}

/** The parts of amqplib's connection (not its public API) that watchForSilence reads. */
interface AmqplibInternals {
  heartbeat?: number;
  heartbeater?: { emit(event: 'timeout'): void } | null;
  stream?: { bytesRead?: number };
}

/**
 * amqplib looks for a silent broker once per heartbeat interval and gives up after two silent
 * looks in a row: 2 to 3 intervals after the last frame (13.4 s at a 5 s heartbeat in the chaos
 * suite), while a network that drops everything silently is only found by the heartbeat. RabbitMQ
 * sends a frame at least every half interval, so 1.5 intervals without a byte is three missed in
 * a row: reading the socket's byte count every quarter interval finds it within 1.75 intervals,
 * inside the 2 that RabbitMQ itself allows. The verdict goes through amqplib's own timeout path
 * (an error, then the close that starts a reconnect). Without those internals, amqplib's check
 * stands alone.
 */
function watchForSilence(model: ChannelModel): void {
  const internals = (model as unknown as { connection?: AmqplibInternals }).connection;
  const heartbeatMs = (internals?.heartbeat ?? 0) * 1000;
  const { heartbeater, stream } = internals ?? {};
  if (!heartbeatMs || !heartbeater || typeof stream?.bytesRead !== 'number') return;
  let bytesSeen = stream.bytesRead;
  let heardAt = Date.now();
  const watch = setInterval(() => {
    if (stream.bytesRead !== bytesSeen) {
      bytesSeen = stream.bytesRead!;
      heardAt = Date.now();
    } else if (Date.now() - heardAt >= 1.5 * heartbeatMs) {
      clearInterval(watch);
      heartbeater.emit('timeout');
    }
  }, heartbeatMs / 4);
  watch.unref();
  model.once('close', () => clearInterval(watch));
}

// The broker suggests 60 s; a silent broker (network partition, frozen VM) would then go
// unnoticed for up to two minutes. A `heartbeat` in the URL still wins.
const DEFAULT_HEARTBEAT_S = 15;

function withDefaultHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has('heartbeat')) return url;
  parsed.searchParams.set('heartbeat', String(DEFAULT_HEARTBEAT_S));
  return parsed.toString();
}

/** Where the broker is, for error messages: host and port, never the credentials. */
function brokerAddress(url: string): string {
  const { hostname, port, protocol } = new URL(url);
  return `${hostname}:${port || (protocol === 'amqps:' ? '5671' : '5672')}`;
}

/** An error's message, or its class name when empty (an AggregateError from a dual-stack connect). */
function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const codes = err instanceof AggregateError ? err.errors.map((e: { code?: string }) => e.code) : [];
  return err.message || codes.filter(Boolean).join(', ') || err.constructor.name;
}

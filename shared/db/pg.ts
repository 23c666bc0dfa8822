import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { createLogger } from '../observability/logger.ts';
import { copyFromStatement, encodeCsvRows } from './csv.ts';
import { messageOf } from './errors.ts';
import {
  DbError,
  DbUnavailableError,
  type CsvChunks,
  type Db,
  type QueryResult,
  type Queryable,
} from './port.ts';
import type { DbCredentialSource } from './secret-credentials.ts';
import { openTx, rolledBackAtCommit } from './tx.ts';

export interface PgDbOptions {
  /** Pool size. Default 10; a Lambda wants 1–2. */
  max?: number;
  /** Shown in `pg_stat_activity`. Default `fnstack`. */
  applicationName?: string;
  /** Where broken idle connections are reported. Default: the platform's pino logger. */
  log?: Pick<Logger, 'warn' | 'error'>;
  /**
   * Where the password comes from (a secrets manager), instead of the URL: each new connection
   * asks it for the cached one, and a connection refused for its password (28P01: rotated) makes
   * it fetch once more and try once again. The URL gives the user, host, port and database.
   */
  credentials?: DbCredentialSource;
  /**
   * Open one connection now, in the background, so that its handshake overlaps with whatever
   * runs before the first query (a Lambda's first invocation builds its app and checks its token
   * meanwhile). A failure is left to the first query to report.
   */
  connectAhead?: boolean;
}

/** pg-types' enum of type ids; it lists scalar types only, hence the casts below. */
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];

const INTERVAL_OID = 1186;
const INTERVAL_ARRAY_OID = 1187;
/** Its parser turns any array literal into an array of strings. */
const TEXT_ARRAY_OID = 1009;

/**
 * pg's own parsers, except `interval`, which pg turns into an object and PGlite leaves as
 * Postgres's text ('1 day 02:00:00'). Text on both keeps code backend-neutral; set per pool, so
 * other pg users in the process are not affected.
 */
const typeParsers = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === INTERVAL_OID) return (value: string) => value;
    if (oid === INTERVAL_ARRAY_OID) return pg.types.getTypeParser(TEXT_ARRAY_OID as TypeId, 'text');
    return pg.types.getTypeParser(oid as TypeId, format);
  },
} as pg.CustomTypesConfig;

/**
 * The DB port on a real Postgres server through a `pg` pool.
 *
 * Errors: SQL errors are pg's own `DatabaseError`s, so callers can read `code` (e.g. `'23505'`
 * for a unique violation); failing to connect or losing the connection is a `DbUnavailableError`
 * (a `DbError`, 503 at a route) whose `cause` is pg's error; any other failure is a `DbError`.
 * A connection that failed is destroyed rather than returned to the pool.
 *
 * @example
 *   const db = createPgDb(process.env.DATABASE_URL!, { max: 10 });
 *   await db.transaction(async (tx) => {
 *     await tx.query('insert into jobs (id, kind, status, correlation_id) values ($1, $2, $3, $4)', [id, kind, 'queued', cid]);
 *   });
 *   await db.close();
 */
export function createPgDb(url: string, options: PgDbOptions = {}): Db {
  const where = describeServer(url);
  const log = options.log ?? createLogger();
  const connections = options.max ?? 10;
  const { credentials } = options;
  const pool = new pg.Pool({
    ...(credentials ? serverOf(url, credentials) : { connectionString: url }),
    max: connections,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'fnstack',
    types: typeParsers,
  });
  // An idle connection that dies (server restart, network) emits here; without a listener
  // Node would crash the process. The pool drops the client and opens a new one when needed.
  // Only the message and code: pg hangs the whole client (its cancel key included) on the error.
  pool.on('error', (err) =>
    log.warn(
      { reason: err.message, code: (err as { code?: unknown }).code, db: where },
      'idle Postgres connection lost; the pool replaces it',
    ),
  );

  /** A pooled connection; with `credentials`, a refused password is fetched again once. */
  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (err) {
      if (!credentials || (err as { code?: unknown }).code !== PASSWORD_REFUSED) throw err;
      log.warn(
        { db: where, credentials: credentials.describe },
        'Postgres refused the password; fetching it again',
      );
      await credentials.refresh();
      return pool.connect();
    }
  }

  // The first checkout waits for it rather than opening a second connection beside it.
  let connectingAhead = options.connectAhead
    ? connect().then(
        (client) => client.release(),
        () => undefined,
      )
    : undefined;

  /** Check out a client; while we hold it, a connection error marks it broken instead of crashing. */
  async function checkout(): Promise<Lease> {
    if (connectingAhead) {
      await connectingAhead;
      connectingAhead = undefined;
    }
    let client: pg.PoolClient;
    try {
      client = await connect();
    } catch (err) {
      throw new DbUnavailableError(`Cannot connect to Postgres at ${where}: ${messageOf(err)}`, {
        cause: err,
      });
    }
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
    };
    client.on('error', onError);
    return {
      client,
      release(err?: unknown) {
        client.removeListener('error', onError);
        // Passing an error makes the pool destroy the connection instead of reusing it.
        const failure = broken ?? (err === undefined || isSqlError(err) ? undefined : toError(err));
        client.release(failure);
      },
    };
  }

  function on(client: pg.PoolClient): Queryable {
    return {
      query: (sql, params) => runQuery(client, sql, params),
      copyFrom: (table, columns, rows) =>
        copyCsv(client, table, columns, encodeCsvRows(rows, columns.length)),
      copyFromCsv: (table, columns, csv) => copyCsv(client, table, columns, csv),
    };
  }

  let closing: Promise<void> | undefined;

  const db: Db = {
    kind: 'postgres',
    connections,

    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const lease = await checkout();
      try {
        const result = await runQuery<Row>(lease.client, sql, params);
        lease.release();
        return result;
      } catch (err) {
        lease.release(err);
        throw err;
      }
    },

    async copyFrom(table, columns, rows) {
      return db.copyFromCsv(table, columns, encodeCsvRows(rows, columns.length));
    },

    async copyFromCsv(table, columns, csv) {
      const lease = await checkout();
      try {
        const count = await copyCsv(lease.client, table, columns, csv);
        lease.release();
        return count;
      } catch (err) {
        lease.release(err);
        throw err;
      }
    },

    async transaction(fn) {
      const lease = await checkout();
      try {
        await runQuery(lease.client, 'BEGIN');
      } catch (err) {
        lease.release(err);
        throw err;
      }
      const { tx, finish } = openTx(on(lease.client));
      let result;
      try {
        result = await fn(tx);
      } catch (err) {
        finish();
        try {
          await lease.client.query('ROLLBACK');
          lease.release();
        } catch (rollbackErr) {
          // The connection is in an unknown state: destroy it, and report the caller's error.
          lease.release(toError(rollbackErr));
        }
        throw err;
      }
      finish();
      let commit;
      try {
        commit = await runQuery(lease.client, 'COMMIT');
      } catch (err) {
        lease.release(err);
        throw err;
      }
      lease.release();
      if (commit.command === 'ROLLBACK') throw rolledBackAtCommit();
      return result;
    },

    listen: (channel, onNotify) => listenOn(url, channel, onNotify, log),

    async ping() {
      await db.query('select 1');
    },

    close() {
      closing ??= pool.end();
      return closing;
    },
  };
  return db;
}

interface Lease {
  client: pg.PoolClient;
  /** Return the client; with a non-SQL error the pool destroys it instead. */
  release(err?: unknown): void;
}

async function runQuery<Row>(
  client: pg.PoolClient,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<Row> & { command?: string }> {
  try {
    const result = await client.query(sql, params as unknown[] | undefined);
    // Without parameters pg uses the simple protocol, which may run several statements and
    // then answers with one result per statement: like PGlite's exec, keep the last.
    const last: pg.QueryResult = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: last.rows as Row[], rowCount: last.rowCount ?? 0, command: last.command };
  } catch (err) {
    throw isSqlError(err) ? err : wrapFailure(`Postgres query failed: ${messageOf(err)}`, err);
  }
}

async function copyCsv(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  csv: CsvChunks,
): Promise<number> {
  const statement = copyFromStatement(table, columns, 'STDIN');
  // Loaded on first use: most processes (every Lambda bundle) never COPY.
  const { default: pgCopyStreams } = await import('pg-copy-streams');
  const copy = client.query(pgCopyStreams.from(statement));
  try {
    // pipeline handles backpressure; a bad row (or a server error) aborts the COPY with
    // CopyFail, which leaves the connection usable.
    await pipeline(Readable.from(csv), copy);
  } catch (err) {
    throw isSqlError(err) || err instanceof DbError
      ? err
      : wrapFailure(`COPY into ${table} failed: ${messageOf(err)}`, err);
  }
  return copy.rowCount;
}

/**
 * An error the server sent about a statement; the connection is still fine after it. FATAL and
 * PANIC (e.g. 57P01 after pg_terminate_backend) mean the server ended the session: that is a
 * lost connection, so those become DbUnavailableErrors and the connection is discarded.
 */
function isSqlError(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.severity !== 'FATAL' && err.severity !== 'PANIC';
}

/** A lost connection is an outage (DbUnavailableError); anything else is a DbError. */
function wrapFailure(message: string, err: unknown): DbError {
  return isConnectionFailure(err)
    ? new DbUnavailableError(message, { cause: err })
    : new DbError(message, { cause: err });
}

/** Socket errors that mean the server is gone or unreachable, not that the statement was wrong. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Did the connection fail, rather than the statement or the caller (a value pg cannot
 * serialize is a TypeError, and stays a plain DbError)? pg reports a dropped socket either
 * with the socket's errno code or, once the socket has ended, with plain Errors whose messages
 * are the only sign: 'Connection terminated unexpectedly', 'Client has encountered a
 * connection error and is not queryable'. FATAL/PANIC from the server ended the session.
 */
function isConnectionFailure(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return err.severity === 'FATAL' || err.severity === 'PANIC';
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  return /^Connection terminated|connection error and is not queryable/.test(err.message);
}

/** SQLSTATE invalid_password: what a rotated password looks like to a client still holding the old one. */
const PASSWORD_REFUSED = '28P01';

/** The server of `url`, with the password asked of `credentials` at each connection (pg's own hook). */
function serverOf(url: string, credentials: DbCredentialSource): pg.PoolConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    password: async () => (await credentials.current()).password,
  };
}

/** `host:port/database` — never the password. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** LISTEN on a connection of its own, reconnecting (after a pause) when it is lost. */
async function listenOn(
  url: string,
  channel: string,
  onNotify: () => void,
  log: Pick<Logger, 'warn'>,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new DbError(`not a channel name: ${channel}`);
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: 'fnstack-listen' });
    next.on('notification', () => onNotify());
    next.on('error', (err) => {
      log.warn({ err, channel }, 'LISTEN connection lost; reconnecting');
      void next.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect().catch(() => {}), 1000);
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    if (stopped) await next.end();
    else client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

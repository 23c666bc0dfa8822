import { AppError } from '../errors.ts';

/**
 * The database port: the only way code reaches Postgres. Two implementations share it —
 * `pg` (a real server, pooled) and PGlite (embedded, in-process) — so the same SQL and the
 * same code run on both.
 *
 * @example
 *   const { rows } = await db.query<{ n: number }>('select $1::int as n', [1]);
 *   await db.transaction(async (tx) => {
 *     await tx.query('insert into t(v) values ($1)', ['a']);
 *   });
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Rows for `copyFrom`: a list, a generator, or an async stream of them (never held whole). */
export type CopyRows = Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;

/** CSV text for `copyFromCsv`, in chunks; each chunk ends at the end of a record (a newline). */
export type CsvChunks = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /**
   * Bulk-load rows with COPY ... FROM STDIN (CSV). Values are serialized by the port;
   * `null`/`undefined` become SQL NULL. Streams: an async iterable is read as it is copied.
   * All or nothing: a bad row loads none of them. Returns the number of rows copied.
   */
  copyFrom(table: string, columns: readonly string[], rows: CopyRows): Promise<number>;
  /**
   * Bulk-load CSV text that is already encoded (`FORMAT csv`, unquoted empty = NULL), streamed
   * straight to COPY: for a loader that produces CSV bytes itself and must not pay for
   * re-encoding values. All or nothing, like `copyFrom`. Returns the number of rows copied.
   */
  copyFromCsv(table: string, columns: readonly string[], csv: CsvChunks): Promise<number>;
}

export interface Tx extends Queryable {
  /** Run `fn` inside a savepoint: if it throws, only its work is rolled back. */
  savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * How many connections can be open at once (1 on PGlite): work that holds one transaction open
   * while it commits others on the side needs at least 2, or it would wait for itself.
   */
  readonly connections: number;
  /** Run `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Call `onNotify` for each `NOTIFY` on `channel` (delivered when the notifying transaction
   * commits), until the returned function is called. On Postgres it holds a connection of its own,
   * outside the pool, and reconnects when it is lost (notifications sent meanwhile are missed:
   * callers keep a poll as the fallback).
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A failure from the database layer that is not an SQL error, e.g. a misuse of the port (a `tx` used
 * after its transaction ended, a bad `copyFrom` row) or a transaction rolled back at COMMIT.
 * Reaching a route it is a 500: the request did nothing wrong, the code did.
 * SQL errors are the driver's own errors, carrying Postgres's `code` (e.g. `'23505'`).
 */
export class DbError extends AppError {
  readonly code: string = 'DB_ERROR';
  readonly status: number = 500;
}

/**
 * The database cannot be reached: connecting failed, or the connection was lost or ended by the
 * server mid-statement. Worth retrying later; a route answers 503 `DB_UNAVAILABLE`.
 *
 * @example
 *   try {
 *     await db.query('select 1');
 *   } catch (err) {
 *     if (err instanceof DbUnavailableError) return retryLater(); // an outage, not a bug
 *     throw err;
 *   }
 */
export class DbUnavailableError extends DbError {
  override readonly code = 'DB_UNAVAILABLE';
  override readonly status = 503;
}

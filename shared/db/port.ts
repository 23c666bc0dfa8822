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

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /**
   * Bulk-load rows with COPY ... FROM STDIN (CSV). Values are serialized by the port;
   * `null`/`undefined` become SQL NULL. Returns the number of rows copied.
   */
  copyFrom(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
}

export interface Tx extends Queryable {
  /** Run `fn` inside a savepoint: if it throws, only its work is rolled back. */
  savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Run `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A stable error code for failures that come from the database layer. */
export class DbError extends Error {
  readonly code = 'DB_ERROR';
}

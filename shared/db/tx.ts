import { DbError, type QueryResult, type Queryable, type Tx } from './port.ts';

/**
 * The part of a `Tx` both adapters build the same way: savepoints and the guard against using
 * a transaction after it ended. Each adapter supplies how to run a statement on its connection.
 */
export interface OpenTx {
  tx: Tx;
  /** Mark the transaction finished: any later use of `tx` throws instead of running elsewhere. */
  finish(): void;
}

export function openTx(connection: Queryable): OpenTx {
  let finished = false;
  let savepoints = 0;

  const ensureOpen = (): void => {
    if (finished) {
      throw new DbError(
        'This transaction has already ended: its tx was used after transaction() returned (a missing await?)',
      );
    }
  };

  const tx: Tx = {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      ensureOpen();
      return connection.query<Row>(sql, params);
    },
    async copyFrom(table, columns, rows) {
      ensureOpen();
      return connection.copyFrom(table, columns, rows);
    },
    async copyFromCsv(table, columns, csv) {
      ensureOpen();
      return connection.copyFromCsv(table, columns, csv);
    },
    async savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      ensureOpen();
      // Names only need to be unique within this transaction; a counter also makes nesting work.
      const name = `sp_${++savepoints}`;
      await connection.query(`SAVEPOINT ${name}`);
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        // If this fails too the connection is broken or the transaction aborted; the outer
        // transaction then fails at COMMIT, so the caller's error is the one worth keeping.
        await connection.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
        throw err;
      }
      await connection.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    },
  };

  return {
    tx,
    finish: () => {
      finished = true;
    },
  };
}

/** Postgres answers COMMIT with ROLLBACK when a statement in the transaction failed and was caught. */
export function rolledBackAtCommit(): DbError {
  return new DbError(
    'The transaction was rolled back at COMMIT because one of its statements failed; ' +
      'wrap statements that may fail in tx.savepoint() to keep the rest of the transaction',
  );
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, TransactionAbortedError, types, type Results, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { copyFromStatement, encodeCsvRows } from './csv.ts';
import { lockFile, type FileLock } from './lock-file.ts';
import { messageOf } from './errors.ts';
import {
  DbError,
  DbUnavailableError,
  type CsvChunks,
  type Db,
  type QueryResult,
  type Queryable,
} from './port.ts';
import { openTx, rolledBackAtCommit } from './tx.ts';

/** The embedded database, plus what tests use to clone a migrated database quickly. */
export interface PgliteDb extends Db {
  readonly kind: 'pglite';
  /** The whole database as a tarball, to start another one from with `{ loadDataDir }`. */
  dumpDataDir(): Promise<Blob>;
}

export interface PgliteDbOptions {
  /** Start from a `dumpDataDir()` tarball instead of running initdb (~0.3 s instead of ~2.5 s). */
  loadDataDir?: Blob;
}

/**
 * Result types follow `pg`, so code reads the same values on both backends. PGlite's own
 * defaults differ in two places, fixed here:
 * - int8 / bigint (and `count(*)`): PGlite gives a number, or a BigInt past 2^53; pg gives a
 *   string. Strings on both: no silent precision loss, one type to handle.
 * - bytea: PGlite gives a Uint8Array; pg a Buffer (a Uint8Array subclass). Buffer on both.
 * Already equal: int2/int4/float/oid → number, numeric → string, bool, uuid/text → string,
 * json/jsonb → parsed value, timestamptz/timestamp/date → Date, arrays of these.
 * `interval` is text on both (the pg adapter turns off pg's object parser for it).
 *
 * Differences that remain (parameters, not results):
 * - An untyped parameter (`select $1`) given an object: pg sends JSON, PGlite '[object Object]'.
 *   Typed ones (a jsonb column, `$1::jsonb`) get JSON on both.
 * - A JS array for a jsonb parameter: PGlite sends JSON, pg sends a Postgres array literal and
 *   fails. Pass `JSON.stringify(array)` for json/jsonb parameters.
 * - A Date cast to text shows as ISO 'Z' on PGlite and '+00:00' on pg; as a timestamp it is equal.
 * - A copyFrom row of the wrong width inside a transaction: pg has started the COPY and aborts
 *   it, which aborts the transaction; PGlite rejects before sending. Use a savepoint to go on.
 */
const parsers = {
  [types.INT8]: (value: string) => value,
  [types.BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex'),
};

/**
 * The DB port on PGlite (Postgres compiled to wasm, in this process): the zero-setup database
 * when no DATABASE_URL is set, and an in-memory one for tests (`dataDir` undefined).
 *
 * Cost: creating a PGlite in a new (or no) data folder runs initdb, ~2.5 s of CPU; reopening an
 * existing folder takes ~0.15 s. Create one per process and share it.
 *
 * PGlite is one Postgres backend, so it runs one statement at a time: concurrent `transaction()`
 * and `query()` calls from different callers queue (PGlite's own mutex) and never interleave.
 * The flip side: calling `db.query()` or `db.transaction()` from inside a transaction would wait
 * for that same transaction forever; it fails at once with a DbError telling you to use `tx`.
 *
 * @example
 *   const db = await createPgliteDb('.data/pg');
 *   const { rows } = await db.query<{ n: string }>('select count(*) as n from jobs');
 *   await db.close();
 */
export async function createPgliteDb(
  dataDir: string | undefined,
  options: PgliteDbOptions = {},
): Promise<PgliteDb> {
  let lock: FileLock | undefined;
  const dir = dataDir === undefined ? undefined : path.resolve(dataDir);
  if (dir !== undefined) {
    await mkdir(dir, { recursive: true });
    lock = await lockFile(`${dir}.lock`);
  }
  let pglite: PGlite;
  try {
    // pg_trgm: the trigram index that keeps searching the jobs' payloads fast (sql/0015).
    pglite = await PGlite.create({
      dataDir: dir,
      parsers,
      loadDataDir: options.loadDataDir,
      extensions: { pg_trgm },
    });
  } catch (err) {
    await lock?.release();
    const where = dir ? ` in ${dir}` : '';
    throw new DbUnavailableError(`Cannot open the embedded database${where}: ${messageOf(err)}`, {
      cause: err,
    });
  }

  // Marks the async context of a running transaction callback, to catch calls that would deadlock.
  const insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
  const ensureNotInsideTransaction = (method: string): void => {
    if (insideTransaction.getStore()?.open) {
      throw new DbError(
        `db.${method}() was called inside a transaction: use the transaction's tx instead. ` +
          'The embedded database has a single connection, so this call would wait for the transaction forever',
      );
    }
  };

  let closing: Promise<void> | undefined;

  const db: PgliteDb = {
    kind: 'pglite',
    connections: 1,

    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      ensureNotInsideTransaction('query');
      return runQuery<Row>(pglite, sql, params);
    },

    async copyFrom(table, columns, rows) {
      return db.copyFromCsv(table, columns, encodeCsvRows(rows, columns.length));
    },

    async copyFromCsv(table, columns, csv) {
      ensureNotInsideTransaction('copyFromCsv');
      // Several COPY statements (one per blob): a transaction keeps the load all or nothing.
      return pglite.transaction((connection) => copyCsv(connection, table, columns, csv));
    },

    async transaction(fn) {
      ensureNotInsideTransaction('transaction');
      const state = { open: true };
      try {
        return await pglite.transaction(async (connection) => {
          const { tx, finish } = openTx(on(connection));
          try {
            return await insideTransaction.run(state, () => fn(tx));
          } finally {
            finish();
            state.open = false;
          }
        });
      } catch (err) {
        if (err instanceof TransactionAbortedError) throw rolledBackAtCommit();
        throw err;
      }
    },

    async listen(channel, onNotify) {
      const unlisten = await pglite.listen(channel, () => onNotify());
      return () => unlisten();
    },

    async ping() {
      await db.query('select 1');
    },

    dumpDataDir() {
      return pglite.dumpDataDir('none');
    },

    close() {
      closing ??= (async () => {
        try {
          await pglite.close();
        } finally {
          await lock?.release();
        }
      })();
      return closing;
    },
  };
  return db;
}

type Connection = PGlite | Transaction;

function on(connection: Transaction): Queryable {
  return {
    query: (sql, params) => runQuery(connection, sql, params),
    copyFrom: (table, columns, rows) =>
      copyCsv(connection, table, columns, encodeCsvRows(rows, columns.length)),
    copyFromCsv: (table, columns, csv) => copyCsv(connection, table, columns, csv),
  };
}

async function runQuery<Row>(
  connection: Connection,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<Row>> {
  try {
    if (params === undefined || params.length === 0) {
      // Like pg without parameters: the simple protocol, so a migration's several statements run
      // as one call; the last statement's result is returned.
      const results = await connection.exec(sql);
      const last = results[results.length - 1];
      return { rows: (last?.rows ?? []) as Row[], rowCount: rowCountOf(last) };
    }
    const result = await connection.query<Row>(sql, params as unknown[]);
    return { rows: result.rows, rowCount: rowCountOf(result) };
  } catch (err) {
    throw asDbError(err);
  }
}

/** Bytes of CSV per COPY statement: PGlite copies from a Blob, so big input goes in slices. */
const BLOB_BYTES = 4 * 1024 * 1024;

async function copyCsv(
  connection: Connection,
  table: string,
  columns: readonly string[],
  csv: CsvChunks,
): Promise<number> {
  const statement = copyFromStatement(table, columns, `'/dev/blob'`);
  // PGlite reads COPY input from a Blob it mounts at /dev/blob, not from a stream: the input is
  // gathered into blobs of a few MiB (chunks end at record ends) and copied one after another.
  let copied = 0;
  let parts: (string | Uint8Array)[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (size === 0) return;
    const blob = new Blob(parts as (string | Uint8Array<ArrayBuffer>)[]);
    parts = [];
    size = 0;
    try {
      copied += rowCountOf(await connection.query(statement, [], { blob }));
    } catch (err) {
      throw asDbError(err);
    }
  };
  for await (const chunk of csv) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= BLOB_BYTES) await flush();
  }
  await flush();
  return copied;
}

/** pg's `rowCount`: rows returned by a SELECT, rows changed by INSERT/UPDATE/DELETE/COPY. */
function rowCountOf(result: Pick<Results<unknown>, 'rowCount' | 'affectedRows'> | undefined): number {
  return result?.rowCount ?? result?.affectedRows ?? 0;
}

/** Keep Postgres's own errors (they carry `code`, like pg's); wrap anything else. */
function asDbError(err: unknown): unknown {
  const isSqlError =
    err instanceof Error && 'severity' in err && typeof (err as { code?: unknown }).code === 'string';
  if (!isSqlError) return new DbError(`Embedded database failed: ${messageOf(err)}`, { cause: err });
  // PGlite puts the statement's parameter values on its errors, and a logged error carries every
  // field: user text, emails, client addresses. The statement and the SQLSTATE are what a log needs
  // (as node-postgres gives them).
  delete (err as { params?: unknown }).params;
  return err;
}

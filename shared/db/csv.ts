import { quoteIdentifier, quoteQualifiedName } from './identifiers.ts';
import { DbError, type CopyRows } from './port.ts';

/**
 * CSV for `COPY ... FROM ... WITH (FORMAT csv)`, shared by the pg and PGlite adapters so both
 * load exactly the same values.
 *
 * The one rule that makes it safe: every non-null value is written quoted, and NULL is the
 * only unquoted empty field. In CSV mode Postgres treats an unquoted empty field as NULL and a
 * quoted one (`""`) as the empty string, and it never reads a quoted field as the NULL marker
 * or as the `\.` end-of-data line. So no string value — `''`, `'\N'`, `'NULL'`, `'\.'` — can be
 * mistaken for NULL or cut the load short. Backslashes are plain characters in CSV mode.
 */

/** Rows per string chunk handed to the stream: big enough to keep syscalls rare, small enough to stream. */
const ROWS_PER_CHUNK = 500;

/**
 * The COPY statement for `table (columns)` reading CSV from `source` (`STDIN` for pg,
 * `'/dev/blob'` for PGlite). Names are quoted, so they are used exactly as given.
 */
export function copyFromStatement(table: string, columns: readonly string[], source: string): string {
  if (columns.length === 0) throw new DbError(`copyFrom(${table}) needs at least one column`);
  const columnList = columns.map(quoteIdentifier).join(', ');
  return `COPY ${quoteQualifiedName(table)} (${columnList}) FROM ${source} WITH (FORMAT csv, NULL '')`;
}

/**
 * One value as a CSV field. `null`/`undefined` → NULL; strings as they are (quoted); Date → ISO
 * 8601 (UTC); Buffer/Uint8Array → bytea hex; numbers, bigints and booleans as text; any other
 * object (arrays included) → JSON, for json/jsonb columns. As with query parameters, a string
 * bound for a json column must already be JSON text, and a Postgres array column takes an array
 * literal string such as `'{a,b}'`.
 */
export function csvField(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return '';
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new DbError('copyFrom cannot write an invalid Date');
        return value.toISOString();
      }
      if (value instanceof Uint8Array) {
        return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
      }
      return quote(JSON.stringify(value));
    default:
      throw new DbError(`copyFrom cannot write a value of type ${typeof value}`);
  }
}

/**
 * Encode rows as CSV text, yielding chunks of a few hundred rows so that a large (or lazy)
 * iterable streams instead of being held in memory whole.
 */
export async function* encodeCsvRows(rows: CopyRows, width: number): AsyncGenerator<string> {
  let chunk = '';
  let inChunk = 0;
  let index = 0;
  for await (const row of rows) {
    if (row.length !== width) {
      throw new DbError(`copyFrom row ${index} has ${row.length} values; expected ${width} (one per column)`);
    }
    for (let i = 0; i < width; i++) {
      if (i > 0) chunk += ',';
      chunk += csvField(row[i]);
    }
    chunk += '\n';
    index++;
    if (++inChunk === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      inChunk = 0;
    }
  }
  if (chunk) yield chunk;
}

function quote(text: string): string {
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

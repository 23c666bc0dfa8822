import type { Page } from '../../../shared/contract/pagination.ts';
import type { Queryable } from '../../../shared/db/port.ts';

/**
 * SQL for the import history (imports.imports), failed rows and items, one statement per
 * operation. Ids are bigints, passed around as strings (as the database port returns them).
 *
 * @example
 *   const { import: row, duplicateOf } = await registerImport(db, { fileName: 'items.csv', source: 'upload', ... });
 *   const page = await listFailedRows(db, row.id, { rule: 'price_precision', limit: 20, offset: 0 });
 */

export type ImportStatus = 'queued' | 'running' | 'loaded' | 'failed' | 'duplicate';
export type ImportSource = 'inbox' | 'upload' | 's3';

export interface ImportRecord {
  id: string;
  fileName: string;
  source: ImportSource;
  objectKey: string;
  checksum: string;
  sizeBytes: number;
  status: ImportStatus;
  duplicateOf: string | null;
  jobId: string | null;
  bytesRead: number;
  rowsRead: number;
  rowsTotal: number | null;
  rowsLoaded: number | null;
  rowsStale: number | null;
  rowsFailed: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Seconds from start to finish (or to now, while running). */
  durationSeconds: number | null;
}

const IMPORT_COLUMNS = `id, file_name, source, object_key, checksum, size_bytes::float8 as size_bytes, status,
  duplicate_of, job_id, bytes_read::float8 as bytes_read, rows_read, rows_total, rows_loaded, rows_stale,
  rows_failed, error, created_at, started_at, finished_at,
  extract(epoch from coalesce(finished_at, now()) - started_at)::float8 as duration_seconds`;

interface ImportRow {
  id: string;
  file_name: string;
  source: ImportSource;
  object_key: string;
  checksum: string;
  size_bytes: number;
  status: ImportStatus;
  duplicate_of: string | null;
  job_id: string | null;
  bytes_read: number;
  rows_read: number;
  rows_total: number | null;
  rows_loaded: number | null;
  rows_stale: number | null;
  rows_failed: number | null;
  error: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  duration_seconds: number | null;
  total?: number;
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

function toImport(row: ImportRow): ImportRecord {
  return {
    id: String(row.id),
    fileName: row.file_name,
    source: row.source,
    objectKey: row.object_key,
    checksum: row.checksum,
    sizeBytes: row.size_bytes,
    status: row.status,
    duplicateOf: row.duplicate_of === null ? null : String(row.duplicate_of),
    jobId: row.job_id,
    bytesRead: row.bytes_read,
    rowsRead: row.rows_read,
    rowsTotal: row.rows_total,
    rowsLoaded: row.rows_loaded,
    rowsStale: row.rows_stale,
    rowsFailed: row.rows_failed,
    error: row.error,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    durationSeconds: row.duration_seconds === null ? null : Math.round(row.duration_seconds * 1000) / 1000,
  };
}

export interface NewImport {
  fileName: string;
  source: ImportSource;
  objectKey: string;
  checksum: string;
  sizeBytes: number;
}

/**
 * Record a file to import. The same bytes (checksum) already queued, running or loaded make this
 * one a `duplicate` of that import, finished at once: the unique index decides, so two files
 * registered at the same moment cannot both load.
 */
export async function registerImport(
  db: Queryable,
  file: NewImport,
): Promise<{ import: ImportRecord; duplicateOf: string | null }> {
  const values = [file.fileName, file.source, file.objectKey, file.checksum, file.sizeBytes];
  const inserted = await db.query<ImportRow>(
    `insert into imports.imports (file_name, source, object_key, checksum, size_bytes)
     values ($1, $2, $3, $4, $5)
     on conflict (checksum) where status in ('queued', 'running', 'loaded') do nothing
     returning ${IMPORT_COLUMNS}`,
    values,
  );
  if (inserted.rows[0]) return { import: toImport(inserted.rows[0]), duplicateOf: null };
  const duplicate = await db.query<ImportRow>(
    `insert into imports.imports (file_name, source, object_key, checksum, size_bytes, status, duplicate_of,
                                  started_at, finished_at, rows_total, rows_loaded, rows_stale, rows_failed)
     select $1, $2, $3, $4, $5, 'duplicate', id, now(), now(), 0, 0, 0, 0
       from imports.imports where checksum = $4 and status in ('queued', 'running', 'loaded')
     returning ${IMPORT_COLUMNS}`,
    values,
  );
  const row = duplicate.rows[0];
  // The first one failed between the two statements: register this one normally after all.
  if (!row) return registerImport(db, file);
  return { import: toImport(row), duplicateOf: String(row.duplicate_of) };
}

export async function findImport(db: Queryable, id: string): Promise<ImportRecord | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query<ImportRow>(`select ${IMPORT_COLUMNS} from imports.imports where id = $1`, [
    id,
  ]);
  return rows[0] ? toImport(rows[0]) : undefined;
}

export async function listImports(
  db: Queryable,
  page: { limit: number; offset: number },
): Promise<Page<ImportRecord>> {
  const { rows } = await db.query<ImportRow>(
    `select ${IMPORT_COLUMNS}, count(*) over ()::int as total
       from imports.imports order by created_at desc, id desc limit $1 offset $2`,
    [page.limit, page.offset],
  );
  const total = rows[0]?.total ?? (page.offset > 0 ? await countImports(db) : 0);
  return { items: rows.map(toImport), total, limit: page.limit, offset: page.offset };
}

async function countImports(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from imports.imports`);
  return rows[0]!.n;
}

/** Imports that are queued or running: what a second "run now" would collide with. */
export async function activeImports(db: Queryable): Promise<ImportRecord[]> {
  const { rows } = await db.query<ImportRow>(
    `select ${IMPORT_COLUMNS} from imports.imports where status in ('queued', 'running') order by id`,
  );
  return rows.map(toImport);
}

export interface FailedRow {
  lineNumber: number;
  rawLine: string;
  rule: string;
  reason: string;
  column: string | null;
}

interface FailedRowRow {
  line_number: number;
  raw_line: string;
  rule: string;
  reason: string;
  column_name: string | null;
  total?: number;
}

const toFailedRow = (row: FailedRowRow): FailedRow => ({
  lineNumber: row.line_number,
  rawLine: row.raw_line,
  rule: row.rule,
  reason: row.reason,
  column: row.column_name,
});

export async function listFailedRows(
  db: Queryable,
  importId: string,
  options: { rule?: string | undefined; limit: number; offset: number },
): Promise<Page<FailedRow>> {
  const params = [importId, options.rule ?? null];
  const { rows } = await db.query<FailedRowRow>(
    `select line_number, raw_line, rule, reason, column_name, count(*) over ()::int as total
       from imports.failed_rows where import_id = $1 and ($2::text is null or rule = $2)
      order by line_number limit $3 offset $4`,
    [...params, options.limit, options.offset],
  );
  let total = rows[0]?.total ?? 0;
  if (!rows[0] && options.offset > 0) {
    const count = await db.query<{ n: number }>(
      `select count(*)::int as n from imports.failed_rows where import_id = $1 and ($2::text is null or rule = $2)`,
      params,
    );
    total = count.rows[0]!.n;
  }
  return { items: rows.map(toFailedRow), total, limit: options.limit, offset: options.offset };
}

/** How many failed rows of the import each rule refused, most first: the filter's choices. */
export async function failedRowRules(
  db: Queryable,
  importId: string,
): Promise<{ rule: string; count: number }[]> {
  const { rows } = await db.query<{ rule: string; count: number }>(
    `select rule, count(*)::int as count from imports.failed_rows where import_id = $1
      group by rule order by count desc, rule`,
    [importId],
  );
  return rows;
}

/** Every failed row of an import, in line order, a page at a time (keyset), for the CSV download. */
export async function* allFailedRows(
  db: Queryable,
  importId: string,
  rule: string | undefined,
  pageSize = 5_000,
): AsyncGenerator<FailedRow> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query<FailedRowRow>(
      `select line_number, raw_line, rule, reason, column_name from imports.failed_rows
        where import_id = $1 and ($2::text is null or rule = $2) and line_number > $3
        order by line_number limit $4`,
      [importId, rule ?? null, after, pageSize],
    );
    for (const row of rows) yield toFailedRow(row);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.line_number;
  }
}

export interface Item {
  sku: string;
  name: string;
  category: string;
  price: string;
  quantity: number;
  updatedAt: string;
  importId: string;
}

interface ItemRow {
  sku: string;
  name: string;
  category: string;
  price: string;
  quantity: number;
  updated_at: Date | string;
  import_id: string;
  total?: number;
}

export async function listItems(
  db: Queryable,
  options: { category?: string | undefined; q?: string | undefined; limit: number; offset: number },
): Promise<Page<Item>> {
  // `q` matches sku or name anywhere, case-insensitively; LIKE's wildcards in it are literal.
  const pattern = options.q ? `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const { rows } = await db.query<ItemRow>(
    `select sku, name, category, price::text as price, quantity, updated_at, import_id, count(*) over ()::int as total
       from imports.items
      where ($1::text is null or category = $1) and ($2::text is null or sku ilike $2 or name ilike $2)
      order by sku limit $3 offset $4`,
    [options.category ?? null, pattern, options.limit, options.offset],
  );
  const total = rows[0]?.total ?? 0;
  return {
    items: rows.map((row) => ({
      sku: row.sku,
      name: row.name,
      category: row.category,
      price: row.price,
      quantity: row.quantity,
      updatedAt: new Date(row.updated_at).toISOString(),
      importId: String(row.import_id),
    })),
    total,
    limit: options.limit,
    offset: options.offset,
  };
}

export async function countItems(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from imports.items`);
  return rows[0]!.n;
}

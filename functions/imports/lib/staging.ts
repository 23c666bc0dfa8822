import type { Queryable, Tx } from '../../../shared/db/port.ts';

/**
 * The last step of an import: from its staging tables to imports.items and failed_rows, in one
 * transaction. The staged rows hold clean, cast values (see staging-batch.ts).
 */

/** The import's two staging tables (names built from its numeric id only). */
export function stageTables(importId: string): { staged: string; failed: string } {
  if (!/^\d+$/.test(importId)) throw new Error(`not an import id: ${importId}`);
  return { staged: `imports.stage_${importId}`, failed: `imports.stage_${importId}_failed` };
}

export interface ImportCounts {
  rowsTotal: number;
  rowsLoaded: number;
  rowsStale: number;
  rowsFailed: number;
}

/** A timestamp without a zone in the file is UTC, whatever the server's time zone. */
export async function utcTimestamps(tx: Queryable): Promise<void> {
  await tx.query(`set local timezone = 'UTC'`);
}

/**
 * One import at a time writes items (two inserting the same new sku at once would collide); reads
 * go on. What itemsAreEmpty() says under this lock stays true until the transaction ends.
 */
export async function lockItems(tx: Tx): Promise<void> {
  await utcTimestamps(tx);
  await tx.query(`lock table imports.items in share row exclusive mode`);
}

export async function itemsAreEmpty(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ empty: boolean }>(
    `select not exists (select 1 from imports.items) as empty`,
  );
  return rows[0]!.empty;
}

/** The values of a staged row `s`, in the order name, category, price, quantity, updated_at. */
const VALUES = 's.name, s.category, s.price, s.quantity, s.updated_at';

/**
 * @param duplicateCandidates skus that may appear more than once in the file (the only ones
 *   checked for duplicates), or undefined to check every sku (after a resume).
 * @param direct set when imports.items was empty as the transaction began (see the direct lane
 *   in importer.ts): how many rows were copied into it since (staged as `direct`).
 */
export async function finishImport(
  tx: Tx,
  importId: string,
  tables: { staged: string; failed: string },
  duplicateCandidates: string[] | undefined,
  direct: { loaded: number } | undefined,
): Promise<ImportCounts> {
  await lockItems(tx);
  // Room to hash the skus in memory.
  await tx.query(`set local work_mem = '256MB'`);
  // The last row of a sku in the file is the one loaded: earlier ones are recorded, then removed.
  const duplicates = await tx.query(
    `with repeated as (
       select sku, max(line_number) as kept_line from ${tables.staged}
        where $2::text[] is null or sku = any($2)
        group by sku having count(*) > 1
     )
     insert into imports.failed_rows (import_id, line_number, raw_line, rule, reason, column_name)
     select $1, s.line_number, s.raw_line, 'duplicate_sku',
            format('sku %s appears again on line %s; the last row of a sku is the one loaded', s.sku, r.kept_line),
            'sku'
       from ${tables.staged} s join repeated r using (sku)
      where s.line_number < r.kept_line`,
    [importId, duplicateCandidates ?? null],
  );
  if (duplicates.rowCount > 0) {
    await tx.query(
      `delete from ${tables.staged} s using imports.failed_rows f
        where f.import_id = $1 and f.rule = 'duplicate_sku' and f.line_number = s.line_number`,
      [importId],
    );
  }
  const failed = await tx.query(
    `insert into imports.failed_rows (import_id, line_number, raw_line, rule, reason, column_name)
     select $1, line_number, raw_line, rule, reason, column_name from ${tables.failed}`,
    [importId],
  );
  const loaded = direct
    ? direct.loaded + (await loadAfterDirectLane(tx, importId, tables.staged))
    : await loadStaged(tx, importId, tables.staged);
  const { rows } = await tx.query<{ n: number }>(`select count(*)::int as n from ${tables.staged}`);
  const distinct = rows[0]!.n;
  const counts: ImportCounts = {
    rowsTotal: distinct + duplicates.rowCount + failed.rowCount,
    rowsLoaded: loaded,
    rowsStale: distinct - loaded,
    rowsFailed: duplicates.rowCount + failed.rowCount,
  };
  await tx.query(
    `update imports.imports
        set status = 'loaded', rows_total = $2, rows_loaded = $3, rows_stale = $4, rows_failed = $5,
            rows_read = $2, finished_at = now(), lease_until = null, resume = null
      where id = $1`,
    [importId, counts.rowsTotal, counts.rowsLoaded, counts.rowsStale, counts.rowsFailed],
  );
  await tx.query(`drop table ${tables.staged}, ${tables.failed}`);
  return counts;
}

/**
 * Items from the staged rows: a newer row updates the item it names, the others are inserted.
 * Two plain statements instead of one INSERT … ON CONFLICT, which costs twice as much per row
 * when most rows are loaded. Returns the rows loaded.
 */
async function loadStaged(tx: Tx, importId: string, staged: string): Promise<number> {
  const updated = await tx.query(
    `update imports.items as item
        set (name, category, price, quantity, updated_at) = (select ${VALUES}), import_id = $1, loaded_at = now()
       from ${staged} s
      where item.sku = s.sku and s.updated_at > item.updated_at`,
    [importId],
  );
  const inserted = await tx.query(
    `insert into imports.items (sku, name, category, price, quantity, updated_at, import_id)
     select s.sku, ${VALUES}, $1 from ${staged} s
      where not exists (select 1 from imports.items i where i.sku = s.sku)`,
    [importId],
  );
  return updated.rowCount + inserted.rowCount;
}

/**
 * After the direct lane every item is this import's, and what is left are the few staged rows not
 * copied directly: a sku's later row, which replaces its first one (there was nothing older to
 * compare with; not counted, as the first one was), and skus that only shared a hash with an
 * earlier one (inserted). One INSERT … ON CONFLICT: one pass over the staged rows. Returns the
 * rows loaded.
 */
async function loadAfterDirectLane(tx: Tx, importId: string, staged: string): Promise<number> {
  const { rows } = await tx.query<{ inserted: boolean }>(
    `insert into imports.items as item (sku, name, category, price, quantity, updated_at, import_id)
     select s.sku, ${VALUES}, $1 from ${staged} s where not s.direct
     on conflict (sku) do update
        set (name, category, price, quantity, updated_at) =
            (excluded.name, excluded.category, excluded.price, excluded.quantity, excluded.updated_at),
            loaded_at = now()
     returning xmax = 0 as inserted`,
    [importId],
  );
  return rows.filter((row) => row.inserted).length;
}

import type { Db } from '../../../shared/db/port.ts';

/**
 * The last step of an import: from its staging tables to imports.items and failed_rows, in one
 * transaction. Values were checked by item-rules.ts, so every cast here succeeds; spaces and
 * tabs around values are dropped, as the rules ignored them. The staged `key` is the clean sku.
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

const clean = (column: string) => `btrim(${column}, E' \\t')`;
/** The clean, cast values of a staged row `s`, in the order name, category, price, quantity, updated_at. */
const VALUES = ['name', 'category', 'price', 'quantity', 'updated_at']
  .map(
    (column, i) => `${clean(`s.${column}`)}${['', '', '::numeric(12, 2)', '::integer', '::timestamptz'][i]}`,
  )
  .join(', ');

/**
 * @param duplicateCandidates skus that may appear more than once in the file (the only ones
 *   checked for duplicates), or undefined to check every sku (after a resume).
 */
export async function finishImport(
  db: Db,
  importId: string,
  tables: { staged: string; failed: string },
  duplicateCandidates: string[] | undefined,
): Promise<ImportCounts> {
  return db.transaction(async (tx) => {
    // A timestamp without a zone in the file is UTC, whatever the server's time zone; room to
    // hash the skus in memory; and one import at a time inserts new skus (see below).
    await tx.query(`set local timezone = 'UTC'`);
    await tx.query(`set local work_mem = '256MB'`);
    await tx.query(`lock table imports.items in share row exclusive mode`);
    // The last row of a sku in the file is the one loaded: earlier ones are recorded, then removed.
    const duplicates = await tx.query(
      `with repeated as (
         select key, max(line_number) as kept_line from ${tables.staged}
          where $2::text[] is null or key = any($2)
          group by key having count(*) > 1
       )
       insert into imports.failed_rows (import_id, line_number, raw_line, rule, reason, column_name)
       select $1, s.line_number, coalesce(s.raw_line, concat_ws(',', s.sku, s.name, s.category, s.price, s.quantity, s.updated_at)),
              'duplicate_sku', format('sku %s appears again on line %s; the last row of a sku is the one loaded', s.key, r.kept_line),
              'sku'
         from ${tables.staged} s join repeated r using (key)
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
    // Two plain statements instead of one INSERT … ON CONFLICT, which costs twice as much per row:
    // newer rows update the items they name, the rest are inserted. The table lock keeps two imports
    // from inserting the same new sku at once.
    const updated = await tx.query(
      `update imports.items as item
          set (name, category, price, quantity, updated_at) = (select ${VALUES}), import_id = $1, loaded_at = now()
         from ${tables.staged} s
        where item.sku = s.key and ${clean('s.updated_at')}::timestamptz > item.updated_at`,
      [importId],
    );
    const inserted = await tx.query(
      `insert into imports.items (sku, name, category, price, quantity, updated_at, import_id)
       select key, ${VALUES}, $1 from ${tables.staged} s
        where not exists (select 1 from imports.items i where i.sku = s.key)`,
      [importId],
    );
    const { rows } = await tx.query<{ n: number }>(`select count(*)::int as n from ${tables.staged}`);
    const distinct = rows[0]!.n;
    const counts: ImportCounts = {
      rowsTotal: distinct + duplicates.rowCount + failed.rowCount,
      rowsLoaded: updated.rowCount + inserted.rowCount,
      rowsStale: distinct - updated.rowCount - inserted.rowCount,
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
  });
}

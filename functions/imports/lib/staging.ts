import type { Db } from '../../../shared/db/port.ts';

/**
 * The last step of an import: from its staging tables to imports.items and failed_rows, in one
 * transaction. Values were checked by item-rules.ts, so every cast here succeeds; spaces and
 * tabs around values are dropped, as the rules ignored them.
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

export async function finishImport(
  db: Db,
  importId: string,
  tables: { staged: string; failed: string },
): Promise<ImportCounts> {
  return db.transaction(async (tx) => {
    // A timestamp without a zone in the file is UTC, whatever the server's time zone.
    await tx.query(`set local timezone = 'UTC'`);
    // Room to hash a million skus in memory instead of sorting them on disk.
    await tx.query(`set local work_mem = '256MB'`);
    await tx.query(`lock table imports.items in share row exclusive mode`);
    const { rows } = await tx.query<{
      distinct_rows: number;
      loaded: number;
      duplicates: number;
      failed: number;
    }>(
      `with keyed as materialized (
         select s.*, ${clean('sku')} collate "C" as key from ${tables.staged} s
       ),
       kept as (select key, max(line_number) as kept_line from keyed group by key),
       ranked as materialized (select keyed.*, kept.kept_line from keyed join kept using (key)),
       duplicates as (
         insert into imports.failed_rows (import_id, line_number, raw_line, rule, reason, column_name)
         select $1, line_number,
                coalesce(raw_line, concat_ws(',', sku, name, category, price, quantity, updated_at)),
                'duplicate_sku', format('sku %s appears again on line %s; the last row of a sku is the one loaded', key, kept_line),
                'sku'
           from ranked where line_number <> kept_line
         returning 1
       ),
       failed as (
         insert into imports.failed_rows (import_id, line_number, raw_line, rule, reason, column_name)
         select $1, line_number, raw_line, rule, reason, column_name from ${tables.failed}
         returning 1
       ),
       -- Two plain statements instead of one INSERT … ON CONFLICT, which costs twice as much per
       -- row: newer rows update the items they name, the rest are inserted. The table lock
       -- (taken first) keeps two imports from inserting the same new sku at once.
       updated as (
         update imports.items as item
            set name = ${clean('r.name')}, category = ${clean('r.category')}, price = ${clean('r.price')}::numeric(12, 2),
                quantity = ${clean('r.quantity')}::integer, updated_at = ${clean('r.updated_at')}::timestamptz,
                import_id = $1, loaded_at = now()
           from ranked r
          where r.line_number = r.kept_line and item.sku = r.key
            and ${clean('r.updated_at')}::timestamptz > item.updated_at
         returning 1
       ),
       inserted as (
         insert into imports.items (sku, name, category, price, quantity, updated_at, import_id)
         select key, ${clean('name')}, ${clean('category')}, ${clean('price')}::numeric(12, 2),
                ${clean('quantity')}::integer, ${clean('updated_at')}::timestamptz, $1
           from ranked r
          where line_number = kept_line and not exists (select 1 from imports.items i where i.sku = r.key)
         returning 1
       )
       select (select count(*)::int from kept) as distinct_rows,
              (select count(*)::int from updated) + (select count(*)::int from inserted) as loaded,
              (select count(*)::int from duplicates) as duplicates,
              (select count(*)::int from failed) as failed`,
      [importId],
    );
    const row = rows[0]!;
    const counts: ImportCounts = {
      rowsTotal: row.distinct_rows + row.duplicates + row.failed,
      rowsLoaded: row.loaded,
      rowsStale: row.distinct_rows - row.loaded,
      rowsFailed: row.duplicates + row.failed,
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

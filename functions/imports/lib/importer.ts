import type { Logger } from 'pino';
import type { Db, Queryable, Tx } from '../../../shared/db/port.ts';
import { CsvFileError, scanCsv, type CsvProblem, type CsvRecord, type ScanPosition } from './csv-records.ts';
import { COLUMNS } from './item-rules.ts';
import { SkuTracker } from './sku-tracker.ts';
import {
  Batch,
  DIRECT_COLUMNS,
  FAILED_COLUMNS,
  rawText,
  STAGE_COLUMNS,
  STAGE_TABLE,
  type BatchBuffers,
} from './staging-batch.ts';
import { finishImport, itemsAreEmpty, lockItems, stageTables, utcTimestamps } from './staging.ts';

/**
 * One import, from the file to imports.items, in committed steps that a re-run resumes:
 *
 * 1. Claim the import (a lease, renewed as it goes: a second worker leaves it alone, a crashed
 *    one's import is taken over once its lease expires).
 * 2. Stream the file through the record scanner and the item rules. Good records go byte for
 *    byte into the import's staging table with COPY, bad ones into its staging table of
 *    failures, in batches; each batch commits with the cursor (byte offset, line) and the
 *    progress the page shows. A re-run starts from the cursor.
 * 3. One transaction moves the staged rows: the last row of each sku is upserted into items (a
 *    newer updated_at wins), earlier rows of the same sku and the failures go to failed_rows,
 *    the import gets its counts, and the staging tables are dropped. Until that commits, items
 *    and failed_rows hold nothing of the import.
 *
 * Why committed batches rather than one transaction: a million-row file takes seconds to
 * minutes, and one transaction would show no progress, start again from zero after a crash, and
 * on the embedded database hold its single connection (every page) for the whole time.
 *
 * The direct lane (Postgres, when imports.items is empty as the import starts: a first load or a
 * backfill). Step 3's insert costs as much as staging, so on Postgres it overlaps with step 2:
 * the transaction of step 3 opens first, on a connection of its own, and as each batch is staged
 * the rows of skus seen for the first time are also copied straight into items inside it. Step 3
 * then only deals with the rest (later rows of a sku, which replace the first). Nothing changes for
 * what others see: until that transaction commits, items holds nothing of the import, and a crash
 * rolls it back (the re-run resumes from the staged rows, without the lane).
 */

export interface ImportFile {
  /** The file's bytes from `offset` on (a resumed import skips what is staged). */
  open(offset: number): Promise<AsyncIterable<Uint8Array>>;
}

export interface ImportOptions {
  log: Logger;
  /** Seconds a claim lasts without renewal (IMPORTS_LEASE_S). */
  leaseSeconds: number;
  /** Records per committed batch. */
  batchRecords?: number;
  jobId?: string | undefined;
}

export type ImportOutcome =
  | {
      status: 'loaded';
      importId: string;
      rowsTotal: number;
      rowsLoaded: number;
      rowsStale: number;
      rowsFailed: number;
    }
  | { status: 'failed'; importId: string; error: string }
  | { status: 'skipped'; importId: string; reason: string }
  /** Another worker holds the import's lease: try again once it may have expired. */
  | { status: 'busy'; importId: string; reason: string };

const DEFAULT_BATCH_RECORDS = 50_000;
/** Batches also end at this many bytes of CSV, to bound memory whatever the rows' width. */
const BATCH_BYTES = 8 * 1024 * 1024;
/** Room past BATCH_BYTES for the record that crosses it (a longer one grows the buffer). */
const BATCH_SLACK = 256 * 1024;

interface Resume extends ScanPosition {
  staged: number;
  failed: number;
  /** STAGE_LAYOUT when the rows were staged: a cursor into tables of another layout starts over. */
  layout?: number;
}

/** The staging tables' layout: raise it when STAGE_TABLE changes. */
const STAGE_LAYOUT = 3;

export async function runImport(
  db: Db,
  importId: string,
  file: ImportFile,
  options: ImportOptions,
): Promise<ImportOutcome> {
  const claim = await claimImport(db, importId, options);
  if ('skipped' in claim) return { status: 'skipped', importId, reason: claim.skipped };
  if ('busy' in claim) return { status: 'busy', importId, reason: claim.busy };
  const log = options.log.child({ importId });
  const tables = stageTables(importId);
  try {
    const resume = await prepareStaging(db, tables, claim.resume);
    if (resume.offset > 0) log.info({ resume }, 'resuming the import from its staged rows');
    const started = performance.now();
    const fresh = resume.offset === 0;
    const skus = new SkuTracker(fresh);
    const stage = async (lane: Tx | undefined) =>
      stageFile(db, importId, tables, await file.open(resume.offset), resume, { ...options, skus, lane });
    let staged = 0;
    const finish = async (tx: Tx, direct: { loaded: number } | undefined) => {
      staged = performance.now();
      return finishImport(tx, importId, tables, skus.candidates(), direct);
    };
    // The lane holds one connection while the batches commit on another.
    const counts =
      fresh && db.connections >= 2 && (await itemsAreEmpty(db))
        ? await db.transaction(async (tx) => {
            await lockItems(tx);
            // Asked again under the lock: another import may have loaded items meanwhile.
            const lane = (await itemsAreEmpty(tx)) ? tx : undefined;
            const loaded = await stage(lane);
            return finish(tx, lane ? { loaded } : undefined);
          })
        : await stage(undefined).then(() => db.transaction((tx) => finish(tx, undefined)));
    const stageSeconds = (staged - started) / 1000;
    const loadSeconds = (performance.now() - staged) / 1000;
    log.info({ ...counts, stageSeconds, loadSeconds }, 'import loaded');
    return { status: 'loaded', importId, ...counts };
  } catch (err) {
    if (!(err instanceof CsvFileError || err instanceof HeaderError)) throw err;
    // The file itself is unreadable: retrying cannot help, the import fails with the reason.
    await db.query(
      `update imports.imports set status = 'failed', error = $2, finished_at = now(), lease_until = null, resume = null
       where id = $1`,
      [importId, err.message],
    );
    await db.query(`drop table if exists ${tables.staged}, ${tables.failed}`);
    log.warn({ reason: err.message }, 'import failed: the file cannot be read');
    return { status: 'failed', importId, error: err.message };
  }
}

/** The file's first line is not the expected header. */
export class HeaderError extends Error {}

async function claimImport(
  db: Db,
  importId: string,
  options: ImportOptions,
): Promise<{ resume: Resume | null } | { skipped: string } | { busy: string }> {
  const { rows } = await db.query<{ resume: Resume | null }>(
    `update imports.imports
        set status = 'running', lease_until = now() + make_interval(secs => $2),
            started_at = coalesce(started_at, now()), job_id = coalesce($3, job_id), error = null
      where id = $1 and (status = 'queued' or (status = 'running' and lease_until < now()))
      returning resume`,
    [importId, options.leaseSeconds, options.jobId ?? null],
  );
  if (rows[0]) return { resume: rows[0].resume };
  const current = await db.query<{ status: string }>(`select status from imports.imports where id = $1`, [
    importId,
  ]);
  const status = current.rows[0]?.status;
  if (!status) return { skipped: `import ${importId} does not exist` };
  // Running elsewhere, or a crashed worker's lease that has not expired yet.
  if (status === 'running') return { busy: `import ${importId} is running under another worker's lease` };
  return { skipped: `import ${importId} is ${status}` };
}

/** The cursor to start from: the stored one if the staged rows are all there, else the top. */
async function prepareStaging(
  db: Db,
  tables: ReturnType<typeof stageTables>,
  resume: Resume | null,
): Promise<Resume> {
  if (resume?.layout === STAGE_LAYOUT) {
    const counts = await db
      .query<{ staged: number; failed: number }>(
        `select (select count(*)::int from ${tables.staged}) as staged, (select count(*)::int from ${tables.failed}) as failed`,
      )
      .catch(() => undefined); // a table is missing
    // Unlogged staging tables are emptied by a server crash: then the cursor is ahead of them.
    const row = counts?.rows[0];
    if (row && row.staged === resume.staged && row.failed === resume.failed) {
      // What the crashed run copied straight into items was rolled back with its transaction.
      await db.query(`update ${tables.staged} set direct = false where direct`);
      return resume;
    }
  }
  await db.query(`
    drop table if exists ${tables.staged}, ${tables.failed};
    create unlogged table ${tables.staged} (${STAGE_TABLE});
    create unlogged table ${tables.failed} (line_number integer not null, raw_line text not null, rule text not null, reason text not null, column_name text);`);
  return { offset: 0, line: 1, staged: 0, failed: 0, layout: STAGE_LAYOUT };
}

/**
 * Scan, check and stage the file from `resume`, one committed batch at a time. A batch is copied
 * while the next one is scanned (at most one in flight), so Postgres and the scanner work at once.
 * With a `lane` (the final transaction), first rows of a sku are also copied into items there.
 *
 * @returns the rows copied into items through the lane.
 */
async function stageFile(
  db: Db,
  importId: string,
  tables: ReturnType<typeof stageTables>,
  chunks: AsyncIterable<Uint8Array>,
  resume: Resume,
  options: ImportOptions & { skus: SkuTracker; lane: Tx | undefined },
): Promise<number> {
  const { lane } = options;
  const batchRecords = options.batchRecords ?? DEFAULT_BATCH_RECORDS;
  // Two sets of buffers take turns: one is filled while the other is copied (allocated once, as
  // growing them from small for every batch costs more than the copy itself).
  let spare: BatchBuffers | undefined;
  const allocate = (): BatchBuffers => ({
    staged: Buffer.allocUnsafe(BATCH_BYTES + BATCH_SLACK),
    direct: Buffer.allocUnsafe(lane ? BATCH_BYTES / 2 : 0),
  });
  const newBatch = () => new Batch(options.skus, spare ?? allocate(), importId, lane !== undefined);
  let batch = newBatch();
  let loadedDirectly = 0;
  let position: Resume = { ...resume };
  let inFlight: Promise<void> = Promise.resolve();
  let failure: unknown;
  const write = async (done: Batch, at: Resume): Promise<void> => {
    const staging = db.transaction(async (tx) => {
      await utcTimestamps(tx);
      if (done.stagedRows > 0) await tx.copyFromCsv(tables.staged, STAGE_COLUMNS, [done.staged.csv()]);
      if (done.failures.length > 0) await tx.copyFrom(tables.failed, FAILED_COLUMNS, done.failures);
      await saveProgress(tx, importId, at, options.leaseSeconds);
    });
    const direct =
      lane && done.directRows > 0
        ? lane.copyFromCsv('imports.items', DIRECT_COLUMNS, [done.direct.csv()])
        : Promise.resolve(0);
    const [, loaded] = await Promise.all([staging, direct]);
    loadedDirectly += loaded;
    spare = done.buffers;
  };
  const commit = async (): Promise<void> => {
    const done = batch;
    await inFlight; // the batch before: its buffer becomes the next one's
    if (failure) throw failure;
    batch = newBatch();
    position = {
      ...position,
      staged: position.staged + done.stagedRows,
      failed: position.failed + done.failures.length,
    };
    inFlight = write(done, position).catch((err: unknown) => {
      failure = err;
    });
  };
  for await (const { items, next } of scanCsv(chunks, { columns: COLUMNS.length, start: resume })) {
    for (const item of items) {
      const line = 'record' in item ? item.record.line : item.problem.line;
      if (line === 1) checkHeader(item);
      else if ('problem' in item) batch.fail(item.problem);
      else batch.add(item.record);
    }
    position = { ...position, offset: next.offset, line: next.line };
    if (batch.records >= batchRecords || batch.staged.length >= BATCH_BYTES) await commit();
  }
  if (position.line === 1) throw new HeaderError('the file is empty: expected a header line');
  await commit();
  await inFlight;
  if (failure) throw failure;
  return loadedDirectly;
}

async function saveProgress(tx: Queryable, importId: string, position: Resume, leaseSeconds: number) {
  await tx.query(
    `update imports.imports
        set resume = $2, bytes_read = $3, rows_read = $4, lease_until = now() + make_interval(secs => $5)
      where id = $1`,
    [importId, JSON.stringify(position), position.offset, position.staged + position.failed, leaseSeconds],
  );
}

function checkHeader(item: { record: CsvRecord } | { problem: CsvProblem }): void {
  const expected = COLUMNS.join(',');
  const found =
    'record' in item ? item.record.fields.map((f) => f.trim().toLowerCase()).join(',') : undefined;
  if (found !== expected) {
    const shown = 'record' in item ? item.record.bytes : item.problem.bytes;
    throw new HeaderError(
      `the first line is ${JSON.stringify(rawText(shown).slice(0, 200))}; expected the header ${expected}`,
    );
  }
}

import type { Logger } from 'pino';
import type { Db, Queryable } from '../../../shared/db/port.ts';
import { CsvFileError, scanCsv, type CsvProblem, type CsvRecord, type ScanPosition } from './csv-records.ts';
import { checkItem, COLUMNS, type RowFailure } from './item-rules.ts';
import { finishImport, stageTables } from './staging.ts';

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
const STAGE_COLUMNS = ['line_number', 'key', ...COLUMNS, 'raw_line'];
const FAILED_COLUMNS = ['line_number', 'raw_line', 'rule', 'reason', 'column_name'];

interface Resume extends ScanPosition {
  staged: number;
  failed: number;
}

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
    const skus = new SkuTracker(resume.offset === 0);
    await stageFile(db, importId, tables, await file.open(resume.offset), resume, { ...options, skus });
    const staged = performance.now();
    const counts = await finishImport(db, importId, tables, skus.candidates());
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
  if (resume) {
    const counts = await db
      .query<{ staged: number; failed: number }>(
        `select (select count(*)::int from ${tables.staged}) as staged, (select count(*)::int from ${tables.failed}) as failed`,
      )
      .catch(() => undefined); // a table is missing
    // Unlogged staging tables are emptied by a server crash: then the cursor is ahead of them.
    const row = counts?.rows[0];
    if (row && row.staged === resume.staged && row.failed === resume.failed) return resume;
  }
  await db.query(`
    drop table if exists ${tables.staged}, ${tables.failed};
    create unlogged table ${tables.staged} (line_number integer not null, key text collate "C" not null, ${COLUMNS.map((c) => `${c} text`).join(', ')}, raw_line text);
    create unlogged table ${tables.failed} (line_number integer not null, raw_line text not null, rule text not null, reason text not null, column_name text);`);
  return { offset: 0, line: 1, staged: 0, failed: 0 };
}

/**
 * Scan, check and stage the file from `resume`, one committed batch at a time. A batch is copied
 * while the next one is scanned (at most one in flight), so Postgres and the scanner work at once.
 */
async function stageFile(
  db: Db,
  importId: string,
  tables: ReturnType<typeof stageTables>,
  chunks: AsyncIterable<Uint8Array>,
  resume: Resume,
  options: ImportOptions & { skus: SkuTracker },
): Promise<void> {
  const batchRecords = options.batchRecords ?? DEFAULT_BATCH_RECORDS;
  const newBatch = () => new Batch(options.skus);
  let batch = newBatch();
  let position: Resume = { ...resume };
  let inFlight: Promise<void> = Promise.resolve();
  let failure: unknown;
  const write = async (done: Batch, at: Resume): Promise<void> => {
    await db.transaction(async (tx) => {
      if (done.staged > 0) await tx.copyFromCsv(tables.staged, STAGE_COLUMNS, [done.csv()]);
      if (done.failures.length > 0) await tx.copyFrom(tables.failed, FAILED_COLUMNS, done.failures);
      await saveProgress(tx, importId, at, options.leaseSeconds);
    });
  };
  const commit = async (): Promise<void> => {
    const done = batch;
    batch = newBatch();
    position = {
      ...position,
      staged: position.staged + done.staged,
      failed: position.failed + done.failures.length,
    };
    await inFlight;
    if (failure) throw failure;
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
    if (batch.records >= batchRecords || batch.bytes >= BATCH_BYTES) await commit();
  }
  if (position.line === 1) throw new HeaderError('the file is empty: expected a header line');
  await commit();
  await inFlight;
  if (failure) throw failure;
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

/** One batch: CSV bytes for the staging table (written into one growing buffer) and failed rows. */
class Batch {
  readonly failures: (string | number | null)[][] = [];
  staged = 0;

  constructor(private readonly skus: SkuTracker) {}

  #buffer = Buffer.allocUnsafe(1024 * 1024);
  #length = 0;

  get records(): number {
    return this.staged + this.failures.length;
  }

  get bytes(): number {
    return this.#length;
  }

  csv(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  add(record: CsvRecord): void {
    const checked = checkItem(record.fields);
    if ('failure' in checked) {
      this.failures.push(failureRow(record.line, record.bytes, checked.failure));
      return;
    }
    // The line number and the clean sku (its characters need no quoting), the record's own bytes,
    // and its raw text as a last column only when it has quotes (otherwise the fields joined by
    // commas are the raw text, rebuilt when needed).
    this.skus.see(checked.item.sku);
    this.#text(`${record.line},${checked.item.sku},`);
    this.#bytes(record.bytes);
    if (record.quoted) this.#text(`,"${record.bytes.toString('utf8').replaceAll('"', '""')}"\n`);
    else this.#text(',\n');
    this.staged++;
  }

  fail(problem: CsvProblem): void {
    this.failures.push(
      failureRow(problem.line, problem.bytes, { rule: problem.rule, column: null, reason: problem.reason }),
    );
  }

  #room(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  #text(text: string): void {
    this.#room(Buffer.byteLength(text));
    this.#length += this.#buffer.write(text, this.#length);
  }

  #bytes(bytes: Buffer): void {
    this.#room(bytes.length);
    this.#length += bytes.copy(this.#buffer, this.#length);
  }
}

/**
 * The skus seen so far, as 32-bit hashes (a million cost a few MB, not the strings): a sku whose
 * hash was seen before may be a duplicate, and only those are checked in SQL. After a resume the
 * skus staged before the crash were not seen here: then every sku is checked (undefined).
 */
class SkuTracker {
  readonly #hashes = new Set<number>();
  readonly #candidates = new Set<string>();

  constructor(private readonly complete: boolean) {}

  see(sku: string): void {
    let hash = 0x811c9dc5; // FNV-1a
    for (let i = 0; i < sku.length; i++) hash = Math.imul(hash ^ sku.charCodeAt(i), 0x01000193);
    if (this.#hashes.has(hash)) this.#candidates.add(sku);
    else this.#hashes.add(hash);
  }

  candidates(): string[] | undefined {
    return this.complete ? [...this.#candidates] : undefined;
  }
}

function failureRow(line: number, bytes: Buffer, failure: RowFailure): (string | number | null)[] {
  return [line, rawText(bytes), failure.rule, failure.reason, failure.column];
}

/** A line as text: invalid UTF-8 shows as U+FFFD, and NUL (which text cannot hold) too. */
function rawText(bytes: Buffer): string {
  return bytes.toString('utf8').replaceAll('\0', '\uFFFD');
}

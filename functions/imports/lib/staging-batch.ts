import type { CsvProblem, CsvRecord } from './csv-records.ts';
import { checkItem, COLUMNS, isPlainGoodRow, type Item, type RowFailure } from './item-rules.ts';
import type { SkuTracker } from './sku-tracker.ts';

/**
 * One batch of an import's rows, as the CSV that COPY reads: every good row for the staging
 * table, the rows that may go straight into imports.items (see direct-load.ts), and the failures.
 */

/** The staging table: a row's clean values (COPY casts them: the rules made sure it can), its
 * raw line (which a duplicate sku's earlier rows show in failed_rows), and whether it was also
 * copied straight into items. */
export const STAGE_TABLE = `line_number integer not null, sku text collate "C" not null, name text not null,
  category text not null, price numeric(12, 2) not null, quantity integer not null,
  updated_at timestamptz not null, raw_line text not null, direct boolean not null`;
export const STAGE_COLUMNS = ['line_number', ...COLUMNS, 'raw_line', 'direct'];
export const DIRECT_COLUMNS = [...COLUMNS, 'import_id'];
export const FAILED_COLUMNS = ['line_number', 'raw_line', 'rule', 'reason', 'column_name'];

const COMMA = 0x2c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const TRUE = 0x74; // t
const FALSE = 0x66; // f

export interface BatchBuffers {
  staged: Buffer;
  direct: Buffer;
}

export class Batch {
  readonly failures: (string | number | null)[][] = [];
  readonly staged: CsvBuffer;
  readonly direct: CsvBuffer;
  stagedRows = 0;
  directRows = 0;
  readonly #importId: Buffer;

  /**
   * @param directLoad rows of a sku seen for the first time also go to `direct` (the items table
   *   was empty when the import started, so such a sku cannot be there).
   */
  constructor(
    private readonly skus: SkuTracker,
    buffers: BatchBuffers,
    importId: string,
    private readonly directLoad: boolean,
  ) {
    this.staged = new CsvBuffer(buffers.staged);
    this.direct = new CsvBuffer(buffers.direct);
    this.#importId = Buffer.from(importId);
  }

  get records(): number {
    return this.stagedRows + this.failures.length;
  }

  get buffers(): BatchBuffers {
    return { staged: this.staged.buffer, direct: this.direct.buffer };
  }

  add(record: CsvRecord): void {
    // A record without quotes or spaces to trim is its own clean values, and its own raw line
    // once quoted: its bytes are copied as they are. Most are told so from their bytes alone.
    let values: string | undefined;
    let first: boolean;
    if (!record.quoted && isPlainGoodRow(record.bytes)) {
      first = this.skus.seeAscii(record.bytes);
    } else {
      const checked = checkItem(record.fields);
      if ('failure' in checked) {
        this.failures.push(failureRow(record.line, record.bytes, checked.failure));
        return;
      }
      const { item } = checked;
      first = this.skus.see(item.sku);
      if (record.quoted || !isUntrimmed(item, record.fields)) values = csvValues(item);
    }
    const direct = first && this.directLoad;
    const { staged } = this;
    staged.number(record.line);
    if (values === undefined) {
      staged.room(2 * record.bytes.length + 7);
      staged.byte(COMMA);
      staged.bytes(record.bytes);
      staged.byte(COMMA);
      staged.byte(QUOTE);
      staged.bytes(record.bytes);
      staged.byte(QUOTE);
    } else {
      staged.text(`,${values},${csvField(record.bytes.toString('utf8'))}`);
      staged.room(3);
    }
    staged.byte(COMMA);
    staged.byte(direct ? TRUE : FALSE);
    staged.byte(NEWLINE);
    this.stagedRows++;
    if (!direct) return;
    if (values === undefined) {
      this.direct.room(record.bytes.length + this.#importId.length + 2);
      this.direct.bytes(record.bytes);
    } else {
      this.direct.text(values);
      this.direct.room(this.#importId.length + 2);
    }
    this.direct.byte(COMMA);
    this.direct.bytes(this.#importId);
    this.direct.byte(NEWLINE);
    this.directRows++;
  }

  fail(problem: CsvProblem): void {
    this.failures.push(
      failureRow(problem.line, problem.bytes, { rule: problem.rule, column: null, reason: problem.reason }),
    );
  }
}

/**
 * Bytes written into one buffer that grows when it must (a batch's buffers are reused from batch
 * to batch, so they rarely do). The small writers leave room-making to the caller, for speed.
 */
export class CsvBuffer {
  length = 0;

  constructor(public buffer: Buffer) {}

  csv(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** A non-negative integer in decimal, written digit by digit (no string); makes its room. */
  number(value: number): void {
    const digits = value < 10 ? 1 : Math.floor(Math.log10(value)) + 1;
    this.room(digits);
    for (let at = this.length + digits - 1; at >= this.length; at--) {
      this.buffer[at] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    }
    this.length += digits;
  }

  /** Text; makes its room. */
  text(text: string): void {
    this.room(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length);
  }

  /** One byte; the caller made room. */
  byte(byte: number): void {
    this.buffer[this.length++] = byte;
  }

  /** Bytes; the caller made room. A loop: for a record's few dozen bytes, set() costs more. */
  bytes(bytes: Buffer): void {
    const { buffer } = this;
    let at = this.length;
    for (let i = 0; i < bytes.length; i++) buffer[at++] = bytes[i]!;
    this.length = at;
  }
}

/** The clean values are the fields as they are (nothing was trimmed). */
function isUntrimmed(item: Item, fields: string[]): boolean {
  return (
    item.sku === fields[0] &&
    item.name === fields[1] &&
    item.category === fields[2] &&
    item.price === fields[3] &&
    item.quantity === fields[4] &&
    item.updatedAt === fields[5]
  );
}

function csvValues(item: Item): string {
  return [item.sku, item.name, item.category, item.price, item.quantity, item.updatedAt]
    .map(csvField)
    .join(',');
}

/** A CSV field as COPY reads it: always quoted, so that an empty string is not NULL. */
function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

function failureRow(line: number, bytes: Buffer, failure: RowFailure): (string | number | null)[] {
  return [line, rawText(bytes), failure.rule, failure.reason, failure.column];
}

/** A line as text: invalid UTF-8 shows as U+FFFD, and NUL (which text cannot hold) too. */
export function rawText(bytes: Buffer): string {
  return bytes.toString('utf8').replaceAll('\0', '\uFFFD');
}

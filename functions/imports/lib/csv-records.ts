import { isUtf8 } from 'node:buffer';

/**
 * Splits a CSV byte stream into records, without ever holding the file: the structural half of
 * the importer (the other half, item-rules.ts, judges the values).
 *
 * Quotes follow Postgres's COPY CSV, so that a record passed through to COPY byte for byte is read
 * there exactly as here: every `"` opens or closes a quoted section wherever it is, `""` inside
 * one is a literal quote, and commas and newlines inside quotes are data. A record ends at a
 * newline outside quotes (`\n` or `\r\n`).
 *
 * What cannot be read as a record is reported, never dropped, with its line number (physical
 * lines, 1-based: the header is line 1; a record that spans lines has the number of its first):
 * - invalid UTF-8 or a NUL byte (Postgres text cannot hold either);
 * - a carriage return outside quotes that does not end the line;
 * - a stray quote. A quote that is opened and never closed would swallow the rest of the file
 *   into one field. So a record that spans several lines and does not have the expected number
 *   of fields, or is still inside quotes after MAX_RECORD_BYTES or at the end of the file, is
 *   taken to be a stray quote: its first line is reported, and reading resumes on the next
 *   line. A legitimate quoted newline (a record with the right number of fields) is kept.
 */

export const MAX_RECORD_BYTES = 64 * 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export interface CsvRecord {
  /** Line on which the record starts. */
  line: number;
  /** The record's bytes without its line ending: what a raw_line shows and what COPY reads. */
  bytes: Buffer;
  /** Field values, quotes resolved (`"a ""b"""` → `a "b"`). */
  readonly fields: string[];
  /** The record contains a quote: its raw text differs from its fields joined by commas. */
  quoted: boolean;
}

export interface CsvProblem {
  line: number;
  bytes: Buffer;
  rule: 'invalid_utf8' | 'stray_carriage_return' | 'unclosed_quote' | 'column_count';
  reason: string;
}

export type ScanItem = { record: CsvRecord } | { problem: CsvProblem };

export interface ScanPosition {
  /** Bytes of the file consumed: the start of the next record. */
  offset: number;
  /** Line number of the next record. */
  line: number;
}

/**
 * The records of a CSV stream, a chunk's worth at a time, each group with the position after its
 * last record (a resumable cursor: a record boundary).
 *
 * @example
 *   for await (const { items, next } of scanCsv(fileStream, { columns: 6 })) {
 *     for (const item of items) if ('problem' in item) fail(item.problem); else load(item.record);
 *     saveCursor(next);
 *   }
 */
export async function* scanCsv(
  chunks: AsyncIterable<Uint8Array>,
  options: { columns: number; start?: ScanPosition },
): AsyncGenerator<{ items: ScanItem[]; next: ScanPosition }> {
  let pending: Buffer = Buffer.alloc(0);
  let offset = options.start?.offset ?? 0;
  let line = options.start?.line ?? 1;
  const take = (scanned: Scanned[]) => {
    for (const item of scanned) {
      offset += item.consumed;
      line += item.lines;
    }
    return { items: scanned.map((item) => item.item), next: { offset, line } };
  };
  for await (const chunk of chunks) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength); // a view, not a copy
    pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
    const scan = scanBuffer(pending, line, options.columns, false);
    if (scan.items.length > 0) yield take(scan.items);
    pending = pending.subarray(scan.consumed);
  }
  const scan = scanBuffer(pending, line, options.columns, true);
  if (scan.items.length > 0) yield take(scan.items);
}

interface Scanned {
  item: ScanItem;
  /** Bytes this item used, its line ending included. */
  consumed: number;
  /** Physical lines it used. */
  lines: number;
}

/**
 * Every complete record in `buffer` (all of it when `final`). Returns how many bytes were used;
 * the rest waits for the next chunk.
 */
export function scanBuffer(
  buffer: Buffer,
  firstLine: number,
  columns: number,
  final: boolean,
): { items: Scanned[]; consumed: number } {
  const items: Scanned[] = [];
  const quotes = new QuoteFinder(buffer);
  const bytes = new ByteChecks(buffer, final);
  let start = 0;
  let line = firstLine;
  const push = (item: Scanned): void => {
    items.push(item);
    start += item.consumed;
    line += item.lines;
  };
  while (start < buffer.length) {
    const found = findRecordEnd(buffer, start, quotes);
    if (found.end !== -1) {
      const shape = { newlines: found.newlines, quoted: found.quoted, checks: bytes.cover(found.end) };
      push(recordOrStrayQuote(buffer, start, found.end, found.end + 1 - start, shape, line, columns));
      continue;
    }
    const length = buffer.length - start;
    if (!final) {
      if (found.inQuote && found.newlines > 0 && length > MAX_RECORD_BYTES) {
        push(strayQuote(buffer, start, line));
        continue;
      }
      if (length > MAX_LINE_BYTES) {
        throw new CsvFileError(
          `line ${line} is longer than ${MAX_LINE_BYTES} bytes: this is not a CSV of records`,
        );
      }
      break; // the record's end is in a chunk still to come
    }
    if (!found.inQuote) {
      // The last record, without a final newline.
      const shape = { newlines: found.newlines, quoted: found.quoted, checks: bytes.cover(buffer.length) };
      push(recordOrStrayQuote(buffer, start, buffer.length, length, shape, line, columns));
    } else if (found.newlines > 0) {
      push(strayQuote(buffer, start, line));
    } else {
      const bytes = trimCr(buffer.subarray(start));
      push(
        problem(bytes, line, 'unclosed_quote', 'a quote opened on the last line is never closed', length, 1),
      );
    }
  }
  return { items, consumed: start };
}

/** A line this long (no newline in sight) means the file is not line-based CSV at all. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** The whole file cannot be read as CSV: the import fails with this reason. */
export class CsvFileError extends Error {}

/** Next quote at or after a position, found natively and remembered (records rarely have one). */
class QuoteFinder {
  #next = -2;
  constructor(private readonly buffer: Buffer) {}
  from(position: number): number {
    if (this.#next === -1 || (this.#next >= position && this.#next !== -2)) return this.#next;
    this.#next = this.buffer.indexOf(QUOTE, position);
    return this.#next;
  }
}

/**
 * Whole-buffer checks, done once natively instead of once per record: whether the bytes up to the
 * last complete line are valid UTF-8 without NUL, and whether they hold a carriage return at all.
 * A record inside that stretch needs no check of its own (a newline cannot be part of a UTF-8
 * sequence, so valid lines make a valid stretch and the other way round).
 */
class ByteChecks {
  readonly #end: number;
  readonly #valid: boolean;
  readonly #noCr: boolean;

  constructor(buffer: Buffer, final: boolean) {
    this.#end = final ? buffer.length : buffer.lastIndexOf(LF) + 1;
    const stretch = buffer.subarray(0, this.#end);
    this.#valid = isUtf8(stretch) && !stretch.includes(0);
    this.#noCr = !stretch.includes(CR);
  }

  /** What is known of the bytes before `end` (undefined: nothing, check them). */
  cover(end: number): KnownBytes {
    return end <= this.#end ? { valid: this.#valid, noCr: this.#noCr } : { valid: false, noCr: false };
  }
}

interface KnownBytes {
  /** Valid UTF-8 without NUL (false: not known). */
  valid: boolean;
  /** No carriage return (false: not known). */
  noCr: boolean;
}

interface RecordShape {
  /** Newlines inside quotes. */
  newlines: number;
  /** A quote is in the record. */
  quoted: boolean;
  checks: KnownBytes;
}

/**
 * The record from `start` to `end`, unless it spans lines and cannot be read (wrong field count,
 * bad bytes): then a stray quote swallowed the lines after it, and only its first line is reported.
 */
function recordOrStrayQuote(
  buffer: Buffer,
  start: number,
  end: number,
  consumed: number,
  shape: RecordShape,
  line: number,
  columns: number,
): Scanned {
  const record = finish(buffer.subarray(start, end), line, columns, consumed, shape);
  return shape.newlines > 0 && 'problem' in record.item ? strayQuote(buffer, start, line) : record;
}

/** The first line of a record that a stray quote spoiled, reported alone. */
function strayQuote(buffer: Buffer, start: number, line: number): Scanned {
  const lineEnd = buffer.indexOf(LF, start);
  const end = lineEnd === -1 ? buffer.length : lineEnd;
  const bytes = trimCr(buffer.subarray(start, end));
  return problem(
    bytes,
    line,
    'unclosed_quote',
    'a quote opened on this line is not closed on it, and the lines after it do not complete a record; ' +
      'the line was skipped and reading went on with the next one',
    end - start + (lineEnd === -1 ? 0 : 1),
    1,
  );
}

/** Where the record starting at `start` ends (its `\n`), or -1 if its end is not in the buffer. */
function findRecordEnd(
  buffer: Buffer,
  start: number,
  quotes: QuoteFinder,
): { end: number; newlines: number; inQuote: boolean; quoted: boolean } {
  const lf = buffer.indexOf(LF, start);
  const quote = quotes.from(start);
  // The common case, at native speed: no quote before the line ends.
  if (quote === -1 || (lf !== -1 && quote > lf))
    return { end: lf, newlines: 0, inQuote: false, quoted: false };
  let inQuote = false;
  let newlines = 0;
  for (let i = quote; i < buffer.length; i++) {
    const byte = buffer[i];
    if (byte === QUOTE) inQuote = !inQuote;
    else if (byte === LF) {
      if (!inQuote) return { end: i, newlines, inQuote, quoted: true };
      newlines++;
    }
  }
  return { end: -1, newlines, inQuote, quoted: true };
}

function trimCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
}

function problem(
  bytes: Buffer,
  line: number,
  rule: CsvProblem['rule'],
  reason: string,
  consumed: number,
  lines: number,
): Scanned {
  return { item: { problem: { line, bytes, rule, reason } }, consumed, lines };
}

/** One complete record, or why it is not one. */
function finish(raw: Buffer, line: number, columns: number, consumed: number, shape: RecordShape): Scanned {
  const lines = shape.newlines + 1;
  const bytes = shape.checks.noCr ? raw : trimCr(raw);
  const unreadable = shape.checks.valid ? undefined : badBytes(bytes);
  if (unreadable) return problem(bytes, line, 'invalid_utf8', unreadable, consumed, lines);
  let record: CsvRecord | undefined;
  let count: number;
  if (shape.quoted) {
    record = splitQuoted(line, bytes);
    count = record?.fields.length ?? 0;
  } else {
    // Without quotes, fields are split only when asked for (most records are judged on their bytes).
    const strayCr = !shape.checks.noCr && bytes.includes(CR);
    record = strayCr ? undefined : new PlainRecord(line, bytes);
    count = countFields(bytes);
  }
  if (!record) {
    const reason = 'a carriage return outside quotes that does not end the line';
    return problem(bytes, line, 'stray_carriage_return', reason, consumed, lines);
  }
  if (count !== columns) {
    const reason = `has ${count} field${count === 1 ? '' : 's'}; expected ${columns}`;
    return problem(bytes, line, 'column_count', reason, consumed, lines);
  }
  return { item: { record }, consumed, lines };
}

/** A record without quotes: its fields are its text split at commas, made when first asked for. */
class PlainRecord implements CsvRecord {
  readonly quoted = false;
  #fields: string[] | undefined;

  constructor(
    readonly line: number,
    readonly bytes: Buffer,
  ) {}

  get fields(): string[] {
    this.#fields ??= this.bytes.toString('utf8').split(',');
    return this.#fields;
  }
}

function countFields(bytes: Buffer): number {
  // A plain loop: Buffer's indexOf costs more per call than a short record's whole scan.
  let count = 1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === COMMA) count++;
  return count;
}

/** Why a record's bytes cannot be text, if they cannot. */
function badBytes(bytes: Buffer): string | undefined {
  if (!isUtf8(bytes)) return `not valid UTF-8 (${invalidUtf8At(bytes)})`;
  if (bytes.includes(0)) return 'contains a NUL byte, which text cannot hold';
  return undefined;
}

/** A record with quotes, its fields resolved; undefined when a bare carriage return is in it. */
function splitQuoted(line: number, bytes: Buffer): CsvRecord | undefined {
  const fields: string[] = [];
  let inQuote = false;
  let fieldStart = 0;
  let fieldQuoted = false;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = i < bytes.length ? bytes[i] : COMMA;
    if (byte === QUOTE) {
      inQuote = !inQuote;
      fieldQuoted = true;
    } else if (byte === CR && !inQuote) {
      return undefined;
    } else if (byte === COMMA && !inQuote) {
      fields.push(fieldQuoted ? unquote(bytes, fieldStart, i) : bytes.toString('utf8', fieldStart, i));
      fieldStart = i + 1;
      fieldQuoted = false;
    }
  }
  return { line, bytes, fields, quoted: true };
}

/** A field's value with Postgres's rule: quotes toggle quoting, `""` inside quotes is one quote. */
function unquote(bytes: Buffer, start: number, end: number): string {
  const out: number[] = [];
  let inQuote = false;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte !== QUOTE) out.push(byte);
    else if (inQuote && bytes[i + 1] === QUOTE) {
      out.push(QUOTE);
      i++;
    } else inQuote = !inQuote;
  }
  return Buffer.from(out).toString('utf8');
}

/** "byte 11 of the line, near 0xc3 0x28": where the first invalid sequence starts, for the reason. */
function invalidUtf8At(bytes: Buffer): string {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    const length = lead < 0x80 ? 1 : lead >> 5 === 6 ? 2 : lead >> 4 === 14 ? 3 : lead >> 3 === 30 ? 4 : 0;
    if (length === 0 || (length > 1 && !isUtf8(bytes.subarray(at, at + length)))) break;
    at += length;
  }
  const shown = [...bytes.subarray(at, at + 2)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
  return `byte ${at + 1} of the line, near ${shown}`;
}

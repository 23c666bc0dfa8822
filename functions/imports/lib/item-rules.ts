/**
 * What makes a row of the supplier's items file acceptable: the value half of the importer
 * (csv-records.ts finds the records). Pure functions, so each rule is unit-tested on its own.
 *
 * A value that passes is guaranteed to cast in Postgres (`numeric(12,2)`, `integer`,
 * `timestamptz`), so a file can never abort its import halfway through with a cast error.
 * Surrounding spaces are ignored; a timestamp without a zone is read as UTC.
 */

export const COLUMNS = ['sku', 'name', 'category', 'price', 'quantity', 'updated_at'] as const;
export type Column = (typeof COLUMNS)[number];

export const MAX_SKU_LENGTH = 64;
const SKU = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^[+-]?(\d+)(?:\.(\d*))?$|^[+-]?\.(\d+)$/;
const INTEGER = /^[+-]?\d+$/;
/** numeric(12,2): at most ten digits before the point. */
const MAX_PRICE_DIGITS = 10;
const MAX_QUANTITY = 2_147_483_647;

/** Why a row is refused: a stable rule code (to filter on), the column, and the exact reason. */
export interface RowFailure {
  rule: string;
  column: Column | null;
  reason: string;
}

export interface Item {
  sku: string;
  name: string;
  category: string;
  price: string;
  quantity: string;
  updatedAt: string;
}

/** The row's values, cleaned, or the first thing wrong with it (columns in file order). */
export function checkItem(fields: readonly string[]): { item: Item } | { failure: RowFailure } {
  const values = fields.map((field) => field.trim());
  for (const [index, column] of COLUMNS.entries()) {
    if (!values[index]) return fail('empty_required', column, `${column} is empty`);
  }
  const [sku, name, category, price, quantity, updatedAt] = values as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const failure = checkSku(sku) ?? checkPrice(price) ?? checkQuantity(quantity) ?? checkTimestamp(updatedAt);
  if (failure) return { failure };
  return { item: { sku, name, category, price, quantity, updatedAt } };
}

export function checkSku(sku: string): RowFailure | undefined {
  if (sku.length > MAX_SKU_LENGTH) {
    return failure('sku_too_long', 'sku', `sku is ${sku.length} characters long; at most ${MAX_SKU_LENGTH}`);
  }
  if (!SKU.test(sku)) {
    const bad = [...new Set(sku.replace(/[A-Za-z0-9_-]/g, ''))].map((c) => JSON.stringify(c)).join(' ');
    return failure(
      'sku_illegal',
      'sku',
      `sku ${JSON.stringify(sku)} has characters other than A-Z a-z 0-9 _ -: ${bad}`,
    );
  }
  return undefined;
}

export function checkPrice(price: string): RowFailure | undefined {
  const match = DECIMAL.exec(price);
  if (!match) return failure('price_not_numeric', 'price', `price ${JSON.stringify(price)} is not a number`);
  if (price.startsWith('-') && /[1-9]/.test(price)) {
    return failure('price_negative', 'price', `price ${price} is negative`);
  }
  // As written: `1.230` has three decimals too (the supplier's precision is not ours to guess).
  const decimals = match[2] ?? match[3] ?? '';
  if (decimals.length > 2) {
    return failure('price_precision', 'price', `price ${price} has ${decimals.length} decimals; at most 2`);
  }
  if ((match[1] ?? '').replace(/^0+/, '').length > MAX_PRICE_DIGITS) {
    return failure('price_out_of_range', 'price', `price ${price} is larger than 9999999999.99`);
  }
  return undefined;
}

export function checkQuantity(quantity: string): RowFailure | undefined {
  if (!INTEGER.test(quantity)) {
    return failure(
      'quantity_not_integer',
      'quantity',
      `quantity ${JSON.stringify(quantity)} is not a whole number`,
    );
  }
  const value = Number(quantity);
  if (value < 0) return failure('quantity_negative', 'quantity', `quantity ${quantity} is negative`);
  if (value > MAX_QUANTITY) {
    return failure(
      'quantity_out_of_range',
      'quantity',
      `quantity ${quantity} is larger than ${MAX_QUANTITY}`,
    );
  }
  return undefined;
}

export function checkTimestamp(text: string): RowFailure | undefined {
  const bytes = Buffer.from(text);
  if (isTimestamp(bytes, 0, bytes.length)) return undefined;
  return failure(
    'date_invalid',
    'updated_at',
    `updated_at ${JSON.stringify(text)} is not a date or timestamp (YYYY-MM-DD, or ISO 8601 such as 2026-12-04T08:15:00Z)`,
  );
}

/**
 * A row the rules accept as it is, told from its bytes without making a string: a sku of
 * A-Z a-z 0-9 _ -, a name and a category that start and end with a visible ASCII character (so
 * nothing to trim), plain digits for the price (at most 2 decimals) and the quantity (at most 9
 * digits), and a timestamp. Stricter than checkItem, never looser (a unit test holds it to that):
 * false only means "ask checkItem". Most rows of a file are such rows; this is the importer's
 * fast path.
 *
 * @param bytes a record without quotes, valid UTF-8.
 */
export function isPlainGoodRow(bytes: Uint8Array): boolean {
  const end = bytes.length;
  let at = 0;
  while (at < end && isSkuByte(bytes[at]!)) at++;
  if (at === 0 || at > MAX_SKU_LENGTH || bytes[at] !== COMMA) return false;
  for (let text = 0; text < 2; text++) {
    const start = at + 1;
    at = start;
    while (at < end && bytes[at] !== COMMA) at++;
    if (at === start || at === end || !isVisibleAscii(bytes[start]!) || !isVisibleAscii(bytes[at - 1]!)) {
      return false;
    }
  }
  const price = at + 1;
  at = skipDigits(bytes, price);
  if (at === price || at - price > MAX_PRICE_DIGITS) return false;
  if (bytes[at] === DOT) {
    const decimals = at + 1;
    at = skipDigits(bytes, decimals);
    if (at === decimals || at - decimals > 2) return false;
  }
  if (bytes[at] !== COMMA) return false;
  const quantity = at + 1;
  at = skipDigits(bytes, quantity);
  if (at === quantity || at - quantity > 9 || bytes[at] !== COMMA) return false;
  return isTimestamp(bytes, at + 1, end);
}

const COMMA = 0x2c;
const DOT = 0x2e;

function isSkuByte(byte: number): boolean {
  return (
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x5f // _
  );
}

function isVisibleAscii(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f;
}

function skipDigits(bytes: Uint8Array, at: number): number {
  while (at < bytes.length && bytes[at]! >= 0x30 && bytes[at]! <= 0x39) at++;
  return at;
}

/**
 * YYYY-MM-DD, then optionally [T ]hh:mm[:ss[.ffffff]] and a zone (Z, ±hh, ±hhmm, ±hh:mm), each
 * part in range (a real day, hour 0-23, a zone within ±15:59 as Postgres takes it), in
 * `bytes[start, end)`. Read byte by byte rather than with a regular expression: it runs once per
 * row of every file.
 */
function isTimestamp(bytes: Uint8Array, start: number, end: number): boolean {
  const year = digitsAt(bytes, start, 4, end);
  const month = digitsAt(bytes, start + 5, 2, end);
  const day = digitsAt(bytes, start + 8, 2, end);
  if (year < 1 || bytes[start + 4] !== DASH || bytes[start + 7] !== DASH) return false;
  if (day < 1 || day > daysIn(year, month)) return false;
  if (end - start === 10) return true;
  if (bytes[start + 10] !== LETTER_T && bytes[start + 10] !== SPACE) return false;
  if (!inRange(digitsAt(bytes, start + 11, 2, end), 0, 23) || bytes[start + 13] !== COLON) return false;
  if (!inRange(digitsAt(bytes, start + 14, 2, end), 0, 59)) return false;
  let next = start + 16;
  if (bytes[next] === COLON) {
    if (!inRange(digitsAt(bytes, next + 1, 2, end), 0, 59)) return false;
    next += 3;
    if (bytes[next] === DOT && next < end) {
      const fraction = next + 1;
      next = Math.min(skipDigits(bytes, fraction), end);
      if (next === fraction || next - fraction > 6) return false;
    }
  }
  return isZone(bytes, next, end);
}

/** Nothing, `Z`, or ±hh, ±hhmm, ±hh:mm from `at` to `end`. */
function isZone(bytes: Uint8Array, at: number, end: number): boolean {
  const rest = end - at;
  if (rest === 0) return true;
  if (bytes[at] === LETTER_Z) return rest === 1;
  if (bytes[at] !== PLUS && bytes[at] !== DASH) return false;
  if (!inRange(digitsAt(bytes, at + 1, 2, end), 0, 15)) return false;
  if (rest === 3) return true;
  const minutes = bytes[at + 3] === COLON ? at + 4 : at + 3;
  return minutes + 2 === end && inRange(digitsAt(bytes, minutes, 2, end), 0, 59);
}

const DASH = 0x2d;
const COLON = 0x3a;
const PLUS = 0x2b;
const SPACE = 0x20;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;

function inRange(value: number, low: number, high: number): boolean {
  return value >= low && value <= high;
}

/** The number written by `count` ASCII digits at `at` (before `end`), or -1 if they are not all digits. */
function digitsAt(bytes: Uint8Array, at: number, count: number, end: number): number {
  if (at + count > end) return -1;
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysIn(year: number, month: number): number {
  if (month < 1 || month > 12) return 0;
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

function failure(rule: string, column: Column, reason: string): RowFailure {
  return { rule, column, reason };
}

function fail(rule: string, column: Column, reason: string): { failure: RowFailure } {
  return { failure: failure(rule, column, reason) };
}

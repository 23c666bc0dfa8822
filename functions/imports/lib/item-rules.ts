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
  if (isTimestamp(text)) return undefined;
  return failure(
    'date_invalid',
    'updated_at',
    `updated_at ${JSON.stringify(text)} is not a date or timestamp (YYYY-MM-DD, or ISO 8601 such as 2026-12-04T08:15:00Z)`,
  );
}

/**
 * YYYY-MM-DD, then optionally [T ]hh:mm[:ss[.ffffff]] and a zone (Z, ±hh, ±hhmm, ±hh:mm), each
 * part in range (a real day, hour 0-23, a zone within ±15:59 as Postgres takes it). Read with
 * charCodeAt rather than a regular expression: it runs once per row of every file.
 */
function isTimestamp(text: string): boolean {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 1 || text[4] !== '-' || text[7] !== '-' || day < 1 || day > daysIn(year, month)) return false;
  if (text.length === 10) return true;
  const separator = text[10];
  if (separator !== 'T' && separator !== ' ') return false;
  if (digitsAt(text, 11, 2) > 23 || text[13] !== ':' || digitsAt(text, 14, 2) > 59) return false;
  let at = 16;
  if (text[at] === ':') {
    if (digitsAt(text, at + 1, 2) > 59) return false;
    at += 3;
    if (text[at] === '.') {
      const start = ++at;
      while (at < text.length && at - start < 6 && digitsAt(text, at, 1) >= 0) at++;
      if (at === start) return false;
    }
  }
  return isZone(text, at);
}

/** Nothing, `Z`, or ±hh, ±hhmm, ±hh:mm from `at` to the end. */
function isZone(text: string, at: number): boolean {
  const rest = text.length - at;
  if (rest === 0) return true;
  if (text[at] === 'Z') return rest === 1;
  if (text[at] !== '+' && text[at] !== '-') return false;
  if (digitsAt(text, at + 1, 2) > 15 || digitsAt(text, at + 1, 2) < 0) return false;
  if (rest === 3) return true;
  const minutes = text[at + 3] === ':' ? at + 4 : at + 3;
  return minutes + 2 === text.length && digitsAt(text, minutes, 2) >= 0 && digitsAt(text, minutes, 2) <= 59;
}

/** The number written by `count` ASCII digits at `at`, or -1 if they are not all digits. */
function digitsAt(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
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

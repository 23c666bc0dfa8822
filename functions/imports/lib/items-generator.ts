import { chance, intBetween, mulberry32, pick, seedFor, type Random } from '../../../shared/random.ts';

/**
 * A supplier's items file, generated: deterministic (the same options give the same bytes),
 * streamed in chunks (a million rows never sit in memory), with a share of bad rows of every
 * kind the importer must keep, and a manifest of where each one is, so tests and the benchmark
 * can check exact counts.
 *
 * Line numbers are physical lines, 1-based, the header being line 1; a record with a quoted
 * newline spans two lines and has the number of its first (as the importer reports them).
 *
 * @example
 *   const manifest = newManifest();
 *   for (const chunk of generateItems({ rows: 1000, badRatio: 0.05, seed: 1 }, manifest)) out.write(chunk);
 *   manifest.bad.price_precision; // [17, 412, ...]
 */

/** Kinds of bad rows spread through the file; `unclosed_quote` can only be last (it swallows the rest). */
export const BAD_KINDS = [
  'column_count',
  'empty_required',
  'price_not_numeric',
  'price_negative',
  'price_precision',
  'quantity_not_integer',
  'quantity_negative',
  'date_invalid',
  'sku_too_long',
  'sku_illegal',
  'duplicate_sku',
  'invalid_utf8',
] as const;
export type BadKind = (typeof BAD_KINDS)[number] | 'unclosed_quote';

export interface GeneratorOptions {
  /** Data records (the header not counted). */
  rows: number;
  /** Share of data records that are bad, 0..1. */
  badRatio: number;
  seed?: number;
  /** `\r\n` line endings instead of `\n`. */
  crlf?: boolean;
  /** End the file with a record whose quote is never closed (one of `rows`). */
  unclosedQuoteAtEnd?: boolean;
}

export interface ItemsManifest {
  rows: number;
  /** Distinct skus the importer loads (good rows, a duplicated sku counted once). */
  loaded: number;
  /** Failed rows by kind: the line numbers the importer reports them on. */
  bad: Partial<Record<BadKind, number[]>>;
}

export function newManifest(): ItemsManifest {
  return { rows: 0, loaded: 0, bad: {} };
}

export const ITEMS_HEADER = 'sku,name,category,price,quantity,updated_at';
const CATEGORIES = ['Grocery', 'Beverages', 'Household', 'Electronics', 'Toys', 'Garden', 'Office', 'Sports'];
const NOUNS = [
  'Tea',
  'Coffee',
  'Mug',
  'Lamp',
  'Cable',
  'Puzzle',
  'Rake',
  'Notebook',
  'Ball',
  'Kettle',
  'Towel',
];
const ADJECTIVES = [
  'Green',
  'Large',
  'Compact',
  'Organic',
  'Classic',
  'Smart',
  'Wooden',
  'Crème brûlée',
  'Ærø',
];
const ROWS_PER_CHUNK = 2_000;
const SALT = 0x17e45;

export function* generateItems(
  options: GeneratorOptions,
  manifest: ItemsManifest = newManifest(),
): Generator<Buffer> {
  const eol = options.crlf ? '\r\n' : '\n';
  const seed = options.seed ?? 1;
  let line = 2;
  let badCount = 0;
  /** The last good row not yet duplicated: a duplicate_sku row repeats its sku (and wins). */
  let lastGood: { sku: string; line: number } | undefined;
  const record = (kind: BadKind, at: number) => (manifest.bad[kind] ??= []).push(at);
  let parts: (string | Buffer)[] = [ITEMS_HEADER + eol];
  manifest.rows = options.rows;
  const dataRows = options.unclosedQuoteAtEnd ? options.rows - 1 : options.rows;

  for (let index = 0; index < dataRows; index++) {
    const random = mulberry32(seedFor(index, seed ^ SALT));
    const good = goodRow(index, random);
    if (!chance(random, options.badRatio)) {
      parts.push(good.text + eol);
      manifest.loaded++;
      lastGood = { sku: good.sku, line };
      line += good.lines;
    } else {
      let kind = BAD_KINDS[badCount++ % BAD_KINDS.length]!;
      if (kind === 'duplicate_sku' && !lastGood) kind = 'price_negative';
      if (kind === 'duplicate_sku') {
        // The earlier row is the one refused; this one is loaded in its place.
        record(kind, lastGood!.line);
        parts.push(`${lastGood!.sku},Replacement ${index},Grocery,1.00,1,2026-12-05T00:00:00Z${eol}`);
        lastGood = undefined;
        line += 1;
      } else {
        record(kind, line);
        parts.push(...badRow(kind, index, random), eol);
        line += 1;
      }
    }
    if (index % ROWS_PER_CHUNK === ROWS_PER_CHUNK - 1) {
      yield toBuffer(parts);
      parts = [];
    }
  }
  if (options.unclosedQuoteAtEnd) {
    record('unclosed_quote', line);
    parts.push(`SKU-LAST,"Never closed,Grocery,1,1,2026-12-04${eol}`);
  }
  if (parts.length > 0) yield toBuffer(parts);
}

function toBuffer(parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}

/** A valid row, with now and then the edge cases that must be accepted. */
function goodRow(index: number, random: Random): { sku: string; text: string; lines: number } {
  const sku = `SKU-${String(index).padStart(7, '0')}`;
  let name = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`;
  let lines = 1;
  const style = intBetween(random, 0, 99);
  if (style < 3) name = `"${name}, pack of ${intBetween(random, 2, 12)}"`;
  else if (style < 5) name = `"${name} ""deluxe"""`;
  else if (style === 5) {
    name = `"${name}\nsecond line"`;
    lines = 2;
  }
  const price = chance(random, 0.02)
    ? '0'
    : (intBetween(random, 1, 99_999) / 100).toFixed(intBetween(random, 0, 2) === 0 ? 0 : 2);
  const quantity = chance(random, 0.02) ? 0 : intBetween(random, 1, 5_000);
  const day = String(intBetween(random, 1, 28)).padStart(2, '0');
  const updatedAt = chance(random, 0.1)
    ? `2026-11-${day}`
    : `2026-11-${day}T${String(intBetween(random, 0, 23)).padStart(2, '0')}:15:00Z`;
  return { sku, text: `${sku},${name},${pick(random, CATEGORIES)},${price},${quantity},${updatedAt}`, lines };
}

/** One bad record of `kind` (without its line ending). */
function badRow(kind: BadKind, index: number, random: Random): (string | Buffer)[] {
  const sku = `BAD-${String(index).padStart(7, '0')}`;
  const category = pick(random, CATEGORIES);
  const row = (fields: Partial<Record<'sku' | 'name' | 'price' | 'quantity' | 'date', string>>) =>
    [
      fields.sku ?? sku,
      fields.name ?? 'Bad row',
      category,
      fields.price ?? '1.00',
      fields.quantity ?? '1',
      fields.date ?? '2026-11-30',
    ].join(',');
  switch (kind) {
    case 'column_count':
      return [chance(random, 0.5) ? `${sku},Too few,${category}` : `${row({})},extra`];
    case 'empty_required':
      return [row(pick(random, [{ sku: '' }, { name: '' }, { price: '' }, { quantity: '' }, { date: '' }]))];
    case 'price_not_numeric':
      return [row({ price: pick(random, ['abc', '"12,5"', '1e3', '$5']) })];
    case 'price_negative':
      return [row({ price: `-${intBetween(random, 1, 500)}.00` })];
    case 'price_precision':
      return [row({ price: `${intBetween(random, 1, 99)}.${intBetween(random, 100, 999)}` })];
    case 'quantity_not_integer':
      return [row({ quantity: pick(random, ['1.5', 'ten', '3x']) })];
    case 'quantity_negative':
      return [row({ quantity: `-${intBetween(random, 1, 50)}` })];
    case 'date_invalid':
      return [row({ date: pick(random, ['2026-13-45', 'yesterday', '2026-02-30', '04/12/2026']) })];
    case 'sku_too_long':
      return [row({ sku: `LONG-${'X'.repeat(70)}` })];
    case 'sku_illegal':
      return [row({ sku: pick(random, [`SKU ${index}`, `SKU#${index}`, `SKÜ-${index}`]) })];
    case 'invalid_utf8':
      return [`${sku},Broken `, Buffer.from([0xc3, 0x28]), ` name,${category},1.00,1,2026-11-30`];
    case 'duplicate_sku':
    case 'unclosed_quote':
      throw new Error(`${kind} rows are placed by generateItems`);
  }
}

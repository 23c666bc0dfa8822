import { describe, expect, it } from 'vitest';
import { scanBuffer } from '../../functions/imports/lib/csv-records.ts';
import { checkItem, isPlainGoodRow } from '../../functions/imports/lib/item-rules.ts';
import { generateItems, newManifest } from '../../functions/imports/lib/items-generator.ts';

const row = (
  overrides: Partial<Record<'sku' | 'name' | 'category' | 'price' | 'quantity' | 'updated_at', string>>,
) => [
  overrides.sku ?? 'SKU-1',
  overrides.name ?? 'Tea',
  overrides.category ?? 'Beverages',
  overrides.price ?? '3.20',
  overrides.quantity ?? '10',
  overrides.updated_at ?? '2026-12-04T08:15:00Z',
];

describe('the item rules', () => {
  it.each([
    ['empty sku', row({ sku: '' }), 'empty_required', 'sku', 'sku is empty'],
    ['a name of spaces', row({ name: '   ' }), 'empty_required', 'name', 'name is empty'],
    ['empty updated_at', row({ updated_at: '' }), 'empty_required', 'updated_at', 'updated_at is empty'],
    ['a price in words', row({ price: 'abc' }), 'price_not_numeric', 'price', 'price "abc" is not a number'],
    [
      'a price with a comma',
      row({ price: '12,5' }),
      'price_not_numeric',
      'price',
      'price "12,5" is not a number',
    ],
    ['an exponent', row({ price: '1e3' }), 'price_not_numeric', 'price', 'price "1e3" is not a number'],
    ['a negative price', row({ price: '-1.50' }), 'price_negative', 'price', 'price -1.50 is negative'],
    [
      'three decimals',
      row({ price: '1.234' }),
      'price_precision',
      'price',
      'price 1.234 has 3 decimals; at most 2',
    ],
    [
      'three decimals ending in 0',
      row({ price: '1.230' }),
      'price_precision',
      'price',
      'price 1.230 has 3 decimals; at most 2',
    ],
    [
      'a price numeric(12,2) cannot hold',
      row({ price: '12345678901' }),
      'price_out_of_range',
      'price',
      'price 12345678901 is larger than 9999999999.99',
    ],
    [
      'a fractional quantity',
      row({ quantity: '1.5' }),
      'quantity_not_integer',
      'quantity',
      'quantity "1.5" is not a whole number',
    ],
    [
      'a quantity in words',
      row({ quantity: 'ten' }),
      'quantity_not_integer',
      'quantity',
      'quantity "ten" is not a whole number',
    ],
    [
      'a negative quantity',
      row({ quantity: '-3' }),
      'quantity_negative',
      'quantity',
      'quantity -3 is negative',
    ],
    [
      'a quantity integer cannot hold',
      row({ quantity: '3000000000' }),
      'quantity_out_of_range',
      'quantity',
      'quantity 3000000000 is larger than 2147483647',
    ],
    [
      'month 13',
      row({ updated_at: '2026-13-45' }),
      'date_invalid',
      'updated_at',
      expect.stringContaining('"2026-13-45" is not a date'),
    ],
    ['30 February', row({ updated_at: '2026-02-30' }), 'date_invalid', 'updated_at', expect.any(String)],
    ['a word', row({ updated_at: 'yesterday' }), 'date_invalid', 'updated_at', expect.any(String)],
    ['a US date', row({ updated_at: '04/12/2026' }), 'date_invalid', 'updated_at', expect.any(String)],
    [
      'hour 25',
      row({ updated_at: '2026-12-04T25:00:00Z' }),
      'date_invalid',
      'updated_at',
      expect.any(String),
    ],
    [
      'a zone Postgres cannot take',
      row({ updated_at: '2026-12-04T08:15:00+16:00' }),
      'date_invalid',
      'updated_at',
      expect.any(String),
    ],
    [
      'seven digits of a second',
      row({ updated_at: '2026-12-04 08:15:00.1234567' }),
      'date_invalid',
      'updated_at',
      expect.any(String),
    ],
    [
      'a time without minutes',
      row({ updated_at: '2026-12-04T08Z' }),
      'date_invalid',
      'updated_at',
      expect.any(String),
    ],
    [
      'letters for the hour',
      row({ updated_at: '2026-12-04Tab:cd' }),
      'date_invalid',
      'updated_at',
      expect.any(String),
    ],
    ['year 0', row({ updated_at: '0000-01-01' }), 'date_invalid', 'updated_at', expect.any(String)],
    [
      '29 February of 2100',
      row({ updated_at: '2100-02-29' }),
      'date_invalid',
      'updated_at',
      expect.any(String),
    ],
    [
      'a zone and text after it',
      row({ updated_at: '2026-12-04T08:15Zx' }),
      'date_invalid',
      'updated_at',
      expect.any(String),
    ],
    [
      'a sku of 65 characters',
      row({ sku: 'X'.repeat(65) }),
      'sku_too_long',
      'sku',
      'sku is 65 characters long; at most 64',
    ],
    [
      'a space in the sku',
      row({ sku: 'SKU 1' }),
      'sku_illegal',
      'sku',
      'sku "SKU 1" has characters other than A-Z a-z 0-9 _ -: " "',
    ],
    [
      'a hash and an umlaut',
      row({ sku: 'SKÜ#1' }),
      'sku_illegal',
      'sku',
      'sku "SKÜ#1" has characters other than A-Z a-z 0-9 _ -: "Ü" "#"',
    ],
  ])('refuses %s', (_what, fields, rule, column, reason) => {
    expect(checkItem(fields)).toEqual({ failure: { rule, column, reason } });
  });

  it.each([
    ['a price of 0 and a quantity of 0', row({ price: '0', quantity: '0' })],
    ['a price with one decimal, or none', row({ price: '12.5' })],
    ['a date without a time', row({ updated_at: '2026-12-04' })],
    ['a zone offset and fractions of seconds', row({ updated_at: '2026-12-04 08:15:00.123+01:00' })],
    ['29 February of a leap year', row({ updated_at: '2028-02-29' })],
    ['29 February of 2000', row({ updated_at: '2000-02-29' })],
    ['minutes without seconds, and zones of every form', row({ updated_at: '2026-12-04T08:15-0530' })],
    ['a zone of hours only', row({ updated_at: '2026-12-04 08:15:59+15' })],
    ['spaces around values', row({ price: ' 3.20 ', sku: ' SKU-1\t' })],
    ['a sku of 64 characters with _ and -', row({ sku: `${'a_-'.repeat(21)}Z` })],
  ])('accepts %s', (_what, fields) => {
    expect(checkItem(fields)).toHaveProperty('item');
  });

  it('reports the first problem in column order', () => {
    expect(checkItem(row({ sku: 'bad sku', price: 'x' }))).toMatchObject({
      failure: { rule: 'sku_illegal' },
    });
  });
});

describe('the record scanner', () => {
  const scan = (text: string | Buffer, final = true) =>
    scanBuffer(Buffer.isBuffer(text) ? text : Buffer.from(text), 1, 3, final).items.map(({ item }) =>
      'record' in item
        ? { line: item.record.line, fields: item.record.fields }
        : { line: item.problem.line, rule: item.problem.rule },
    );

  it('reads quoted commas, doubled quotes, quoted newlines and \\r\\n like Postgres', () => {
    expect(scan('a,"b, c",d\r\n"x ""y""",2,3\n"multi\nline",5,6\n')).toEqual([
      { line: 1, fields: ['a', 'b, c', 'd'] },
      { line: 2, fields: ['x "y"', '2', '3'] },
      { line: 3, fields: ['multi\nline', '5', '6'] },
    ]);
  });

  it('reports a wrong field count, and a last record without a newline', () => {
    expect(scan('a,b\na,b,c,d\na,b,c')).toEqual([
      { line: 1, rule: 'column_count' },
      { line: 2, rule: 'column_count' },
      { line: 3, fields: ['a', 'b', 'c'] },
    ]);
  });

  it('reports invalid UTF-8, a NUL byte and a stray carriage return, line by line', () => {
    const text = Buffer.concat([
      Buffer.from('a,'),
      Buffer.from([0xff]),
      Buffer.from(',c\na,\0,c\na\rb,c,d\nok,ok,ok\n'),
    ]);
    expect(scan(text)).toEqual([
      { line: 1, rule: 'invalid_utf8' },
      { line: 2, rule: 'invalid_utf8' },
      { line: 3, rule: 'stray_carriage_return' },
      { line: 4, fields: ['ok', 'ok', 'ok'] },
    ]);
  });

  it('skips only the line of a quote that is never closed, and reads on', () => {
    expect(scan('a,"open,c\nb,b,b\nc,c,c\n')).toEqual([
      { line: 1, rule: 'unclosed_quote' },
      { line: 2, fields: ['b', 'b', 'b'] },
      { line: 3, fields: ['c', 'c', 'c'] },
    ]);
    expect(scan('ok,ok,ok\nlast,"open,c')).toEqual([
      { line: 1, fields: ['ok', 'ok', 'ok'] },
      { line: 2, rule: 'unclosed_quote' },
    ]);
  });

  it('waits for the rest of a record that a chunk cut in half', () => {
    const first = scanBuffer(Buffer.from('a,b,c\nd,"e\n'), 1, 3, false);
    expect(first.items).toHaveLength(1);
    expect(first.consumed).toBe(6);
  });
});

describe('the fast path of the rules', () => {
  const tricky = [
    'SKU-1,Tea,Beverages,3.20,10,2026-12-04T08:15:00Z',
    'SKU-1, Tea,Beverages,3.20,10,2026-12-04', // a space to trim
    'SKU-1,Tea\t,Beverages,3.20,10,2026-12-04',
    'SKU-1,\u00a0Tea,Beverages,3.20,10,2026-12-04', // a space JavaScript trims, beyond ASCII
    'SKU-1,Tea,Beverages,3.,10,2026-12-04',
    'SKU-1,Tea,Beverages,.5,10,2026-12-04',
    'SKU-1,Tea,Beverages,+3,10,2026-12-04',
    'SKU-1,Tea,Beverages,12345678901,10,2026-12-04',
    'SKU-1,Tea,Beverages,00000000001.5,10,2026-12-04',
    'SKU-1,Tea,Beverages,3,2147483647,2026-12-04',
    'SKU-1,Tea,Beverages,3,2147483648,2026-12-04',
    'SKU-1,Tea,Beverages,3,10,2026-12-04T08:15:00.1234567',
    'SKU-1,Tea,Beverages,3,10,2026-12-04T08:15:00+16',
    'SKU-1,Tea,Beverages,3,10,2026-12-04Tab:cd',
    'SKU-1,Tea,Beverages,3,10,2026-12-04,extra',
    `${'X'.repeat(65)},Tea,Beverages,3,10,2026-12-04`,
    'SKU#1,Tea,Beverages,3,10,2026-12-04',
    'SKU-1,,Beverages,3,10,2026-12-04',
  ];
  const generated = [...generateItems({ rows: 20_000, badRatio: 0.3, seed: 7 }, newManifest())]
    .join('')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '' && !line.includes('"'));

  it('is never looser than the rules: a row it takes, checkItem takes as it is', () => {
    let fast = 0;
    for (const line of [...tricky, ...generated]) {
      if (!isPlainGoodRow(Buffer.from(line))) continue;
      fast++;
      const fields = line.split(',');
      const checked = checkItem(fields);
      expect(checked, line).toHaveProperty('item');
      if ('item' in checked) expect(Object.values(checked.item), line).toEqual(fields);
    }
    // And it is no dead branch: most plain rows take it.
    expect(fast).toBeGreaterThan(generated.length / 2);
  });

  it('takes the common row and leaves the rest to checkItem', () => {
    expect(tricky.filter((line) => isPlainGoodRow(Buffer.from(line)))).toEqual([
      'SKU-1,Tea,Beverages,3.20,10,2026-12-04T08:15:00Z',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { copyFromStatement, csvField, encodeCsvRows } from '../../shared/db/csv.ts';
import { quoteIdentifier, quoteQualifiedName } from '../../shared/db/identifiers.ts';
import { DbError } from '../../shared/db/port.ts';

describe('csvField', () => {
  it('writes NULL as the only unquoted empty field', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('')).toBe('""');
  });

  it('quotes every string, doubling inner quotes, so no text can read as NULL or end-of-data', () => {
    expect(csvField('plain')).toBe('"plain"');
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvField('\\N')).toBe('"\\N"');
    expect(csvField('\\.')).toBe('"\\."');
    expect(csvField('NULL')).toBe('"NULL"');
  });

  it('writes numbers, bigints and booleans as text', () => {
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(12345678901234567890n)).toBe('12345678901234567890');
    expect(csvField(true)).toBe('true');
  });

  it('writes dates as ISO 8601 UTC and rejects invalid ones', () => {
    expect(csvField(new Date('2024-02-03T04:05:06.789Z'))).toBe('2024-02-03T04:05:06.789Z');
    expect(() => csvField(new Date('nope'))).toThrow(DbError);
  });

  it('writes bytes as bytea hex, including views into a larger buffer', () => {
    expect(csvField(Buffer.from([0, 255, 16]))).toBe('\\x00ff10');
    const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    expect(csvField(view)).toBe('\\x0203');
  });

  it('writes objects and arrays as quoted JSON', () => {
    expect(csvField({ a: 'x"y', b: [1] })).toBe('"{""a"":""x\\""y"",""b"":[1]}"');
    expect(csvField([1, 'two'])).toBe('"[1,""two""]"');
  });

  it('rejects values it cannot represent', () => {
    expect(() => csvField(Symbol('s'))).toThrow(DbError);
    expect(() => csvField(() => 1)).toThrow(DbError);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('encodeCsvRows', () => {
  it('writes one line per row', async () => {
    const csv = (
      await collect(
        encodeCsvRows(
          [
            [1, 'a', null],
            [2, '', 'b,c'],
          ],
          3,
        ),
      )
    ).join('');
    expect(csv).toBe('1,"a",\n2,"","b,c"\n');
  });

  it('streams large inputs in chunks', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => [i]);
    const chunks = await collect(encodeCsvRows(rows, 1));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('').split('\n')).toHaveLength(1_201);
  });

  it('rejects a row whose width does not match the columns, naming the row', async () => {
    await expect(collect(encodeCsvRows([[1, 2], [3]], 2))).rejects.toThrow(/row 1 has 1 values; expected 2/);
  });
});

describe('copyFromStatement', () => {
  it('quotes schema, table and columns', () => {
    expect(copyFromStatement('gradcafe.applicants', ['id', 'url'], 'STDIN')).toBe(
      `COPY "gradcafe"."applicants" ("id", "url") FROM STDIN WITH (FORMAT csv, NULL '')`,
    );
  });

  it('needs at least one column', () => {
    expect(() => copyFromStatement('t', [], 'STDIN')).toThrow(DbError);
  });
});

describe('identifiers', () => {
  it('neutralizes quotes, so a name cannot break out of the identifier', () => {
    expect(quoteIdentifier('a"; drop table users; --')).toBe('"a""; drop table users; --"');
  });

  it('accepts table or schema.table and nothing deeper or empty', () => {
    expect(quoteQualifiedName('jobs')).toBe('"jobs"');
    expect(() => quoteQualifiedName('a.b.c')).toThrow(DbError);
    expect(() => quoteQualifiedName('a.')).toThrow(DbError);
    expect(() => quoteIdentifier('')).toThrow(DbError);
  });
});

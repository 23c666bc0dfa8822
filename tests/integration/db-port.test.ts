import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DbError, DbUnavailableError, type Db } from '../../shared/db/port.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';

describe.each(dbBackends)('DB port on %s', (backend) => {
  let testDb: TestDb;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDb(backend);
    db = testDb.db;
    await db.query(`
      create table items (id serial primary key, label text not null unique, n integer);
      create schema extra;
      create table extra.notes (id integer, body text);
      create table awkward (
        id integer primary key, t text, num numeric, at timestamptz, doc jsonb, bytes bytea, flag boolean
      );`);
  }, 60_000);

  afterAll(() => testDb?.drop());

  beforeEach(async () => {
    await db.query('truncate items, extra.notes, awkward restart identity');
  });

  const count = async (table: string): Promise<number> =>
    (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;

  describe('query', () => {
    it('fails with an error that logs its statement and SQLSTATE, never its parameter values', async () => {
      const lines: string[] = [];
      const log = createLogger('info', { destination: { write: (line: string) => void lines.push(line) } });
      const err = await db
        .query('select $1::int as n, $2::text as ip', ['secret-user-text', '198.51.100.77'])
        .catch((e: unknown) => e);
      log.error({ err }, 'statement failed');

      expect((err as { code?: string }).code).toBe('22P02');
      const logged = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
      expect(logged.err).toMatchObject({ code: '22P02' });
      expect(lines[0]).not.toContain('198.51.100.77');
      expect(JSON.stringify(logged.err.params ?? null)).toBe('null');
    });

    it('binds parameters and reports rowCount like pg', async () => {
      const inserted = await db.query<{ id: number }>(
        'insert into items (label, n) values ($1, $2), ($3, $4) returning id',
        ['a', 1, 'b', null],
      );
      expect(inserted.rows.map((r) => r.id)).toEqual([1, 2]);
      expect(inserted.rowCount).toBe(2);

      const selected = await db.query<{ label: string; n: number | null }>(
        'select label, n from items where label = any($1) order by label',
        [['a', 'b']],
      );
      expect(selected.rows).toEqual([
        { label: 'a', n: 1 },
        { label: 'b', n: null },
      ]);
      expect(selected.rowCount).toBe(2);
      expect((await db.query('update items set n = 5')).rowCount).toBe(2);
    });

    it('runs several statements when given no parameters and returns the last result', async () => {
      const result = await db.query<{ n: number }>(
        "insert into items (label) values ('x'); insert into items (label) values ('y'); select count(*)::int as n from items",
      );
      expect(result.rows).toEqual([{ n: 2 }]);
    });

    it("keeps Postgres's own error with its SQLSTATE code, and stays usable", async () => {
      await db.query("insert into items (label) values ('dup')");
      const err = await db.query("insert into items (label) values ('dup')").catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(DbError);
      expect(err).toMatchObject({ code: '23505' });
      expect(await count('items')).toBe(1);
    });

    it('answers ping', async () => {
      await expect(db.ping()).resolves.toBeUndefined();
    });
  });

  describe('transaction', () => {
    it('commits when the callback resolves and returns its value', async () => {
      const value = await db.transaction(async (tx) => {
        await tx.query("insert into items (label) values ('kept')");
        return (await tx.query<{ n: number }>('select count(*)::int as n from items')).rows[0]!.n;
      });
      expect(value).toBe(1);
      expect(await count('items')).toBe(1);
    });

    it('rolls back when the callback throws and rethrows the same error', async () => {
      const failure = new Error('handler failed');
      const caught = await db
        .transaction(async (tx) => {
          await tx.query("insert into items (label) values ('gone')");
          throw failure;
        })
        .catch((e: unknown) => e);
      expect(caught).toBe(failure);
      expect(await count('items')).toBe(0);
    });

    it('fails at COMMIT when a statement failed and its error was swallowed', async () => {
      const outcome = db.transaction(async (tx) => {
        await tx.query("insert into items (label) values ('lost')");
        await tx.query('select * from no_such_table').catch(() => undefined);
      });
      await expect(outcome).rejects.toThrow(DbError);
      await expect(outcome).rejects.toThrow(/rolled back at COMMIT/);
      expect(await count('items')).toBe(0);
    });

    it('refuses a tx used after its transaction ended', async () => {
      let leaked: Parameters<Parameters<Db['transaction']>[0]>[0] | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
      });
      const err = await leaked!.query('select 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DbError);
      expect(err).toMatchObject({
        message: expect.stringMatching(/already ended/),
        code: 'DB_ERROR',
        status: 500,
      });
      // A bug in the caller, not an outage: it must not pass for one (503, retry later).
      expect(err).not.toBeInstanceOf(DbUnavailableError);
    });

    it('runs concurrent transactions from independent callers without mixing them', async () => {
      const labels = Array.from({ length: 20 }, (_, i) => `c${i}`);
      const seen = await Promise.all(
        labels.map((label) =>
          db.transaction(async (tx) => {
            await tx.query('insert into items (label) values ($1)', [label]);
            const own = await tx.query<{ label: string }>('select label from items where label = $1', [
              label,
            ]);
            return own.rows[0]?.label;
          }),
        ),
      );
      expect(seen).toEqual(labels);
      expect(await count('items')).toBe(20);
    });
  });

  describe('savepoint', () => {
    it('rolls back only its own work and rethrows, keeping the outer work', async () => {
      const failure = new Error('inner failed');
      await db.transaction(async (tx) => {
        await tx.query("insert into items (label) values ('outer')");
        const caught = await tx
          .savepoint(async (sp) => {
            await sp.query("insert into items (label) values ('inner')");
            throw failure;
          })
          .catch((e: unknown) => e);
        expect(caught).toBe(failure);
      });
      const { rows } = await db.query<{ label: string }>('select label from items');
      expect(rows).toEqual([{ label: 'outer' }]);
    });

    it('recovers from a failed statement, so the transaction can go on', async () => {
      await db.transaction(async (tx) => {
        await tx.query("insert into items (label) values ('first')");
        await tx
          .savepoint((sp) => sp.query("insert into items (label) values ('first')"))
          .catch(() => undefined);
        await tx.query("insert into items (label) values ('second')");
      });
      expect(await count('items')).toBe(2);
    });

    it('nests: an inner failure keeps the middle level, whose value is returned', async () => {
      const result = await db.transaction(async (tx) => {
        await tx.query("insert into items (label) values ('L0')");
        return tx.savepoint(async (middle) => {
          await middle.query("insert into items (label) values ('L1')");
          await middle
            .savepoint(async (inner) => {
              await inner.query("insert into items (label) values ('L2')");
              throw new Error('inner');
            })
            .catch(() => undefined);
          await middle.savepoint((inner) => inner.query("insert into items (label) values ('L2b')"));
          return 'middle done';
        });
      });
      expect(result).toBe('middle done');
      const { rows } = await db.query<{ label: string }>('select label from items order by id');
      expect(rows.map((r) => r.label)).toEqual(['L0', 'L1', 'L2b']);
    });
  });

  describe('copyFrom', () => {
    const when = new Date('2024-02-29T23:59:59.123Z');
    const awkwardRows: unknown[][] = [
      [
        1,
        'say "hi", then\nleave',
        '1.50',
        when,
        { quote: 'a"b', line: 'x\ny', list: [1, null] },
        Buffer.from([0, 1, 255]),
        true,
      ],
      [2, '', '-0.000001', null, [1, 'two'], Buffer.alloc(0), false],
      [3, null, null, null, null, null, null],
      [4, 'back\\slash \\N \\. tab\there', '12345678901234567890.5', when, '"a JSON string"', null, null],
      [5, '\\.', 7, when, { unicode: 'ünïcødé ✓ 漢字 🎉' }, null, null],
      [6, 'carriage\r\nreturn, and, commas', 0, when, {}, null, null],
      [7, 'unicode ✓ 漢字 🎉 and NULL', -1.25, when, null, null, null],
    ];

    it('round-trips quotes, commas, newlines, backslashes, unicode, empty vs null, numbers, dates, json, bytes', async () => {
      const copied = await db.copyFrom(
        'awkward',
        ['id', 't', 'num', 'at', 'doc', 'bytes', 'flag'],
        awkwardRows,
      );
      expect(copied).toBe(awkwardRows.length);

      const { rows } = await db.query<Record<string, unknown>>('select * from awkward order by id');
      expect(rows).toEqual([
        {
          id: 1,
          t: 'say "hi", then\nleave',
          num: '1.50',
          at: when,
          doc: { quote: 'a"b', line: 'x\ny', list: [1, null] },
          bytes: Buffer.from([0, 1, 255]),
          flag: true,
        },
        { id: 2, t: '', num: '-0.000001', at: null, doc: [1, 'two'], bytes: Buffer.alloc(0), flag: false },
        { id: 3, t: null, num: null, at: null, doc: null, bytes: null, flag: null },
        {
          id: 4,
          t: 'back\\slash \\N \\. tab\there',
          num: '12345678901234567890.5',
          at: when,
          doc: 'a JSON string',
          bytes: null,
          flag: null,
        },
        {
          id: 5,
          t: '\\.',
          num: '7',
          at: when,
          doc: { unicode: 'ünïcødé ✓ 漢字 🎉' },
          bytes: null,
          flag: null,
        },
        { id: 6, t: 'carriage\r\nreturn, and, commas', num: '0', at: when, doc: {}, bytes: null, flag: null },
        {
          id: 7,
          t: 'unicode ✓ 漢字 🎉 and NULL',
          num: '-1.25',
          at: when,
          doc: null,
          bytes: null,
          flag: null,
        },
      ]);
    });

    it('streams a large lazy input and counts the rows', async () => {
      function* many(): Generator<unknown[]> {
        for (let i = 0; i < 20_000; i++) yield [i, `row ${i}`];
      }
      expect(await db.copyFrom('extra.notes', ['id', 'body'], many())).toBe(20_000);
      expect(await count('extra.notes')).toBe(20_000);
    });

    it('streams an async input as it arrives, across several COPY slices on the embedded database', async () => {
      const body = 'x'.repeat(300);
      let produced = 0;
      async function* slowly(): AsyncGenerator<unknown[]> {
        for (let i = 0; i < 30_000; i++) {
          if (i % 5_000 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
          produced++;
          yield [i, body];
        }
      }
      // 30,000 × ~310 bytes ≈ 9 MiB: more than one of PGlite's 4 MiB blobs.
      expect(await db.copyFrom('extra.notes', ['id', 'body'], slowly())).toBe(30_000);
      expect(produced).toBe(30_000);
      expect(await count('extra.notes')).toBe(30_000);
    });

    it('loads CSV bytes as they are (copyFromCsv), quoted newlines and NULLs included', async () => {
      async function* chunks(): AsyncGenerator<string | Uint8Array> {
        yield '1,"two\nlines"\n';
        yield Buffer.from('2,\n3,"say ""hi"""\n');
      }
      expect(await db.copyFromCsv('extra.notes', ['id', 'body'], chunks())).toBe(3);
      const { rows } = await db.query('select id, body from extra.notes order by id');
      expect(rows).toEqual([
        { id: 1, body: 'two\nlines' },
        { id: 2, body: null },
        { id: 3, body: 'say "hi"' },
      ]);
    });

    it('loads nothing when the input fails after the first COPY slice', async () => {
      const body = 'y'.repeat(1_000);
      async function* failsLate(): AsyncGenerator<unknown[]> {
        for (let i = 0; i < 10_000; i++) yield [i, body]; // ≈ 10 MiB: two slices on PGlite
        throw new Error('source broke');
      }
      await expect(db.copyFrom('extra.notes', ['id', 'body'], failsLate())).rejects.toThrow(/source broke/);
      expect(await count('extra.notes')).toBe(0);
    });

    it('takes part in the transaction: rolled back with it', async () => {
      await db
        .transaction(async (tx) => {
          await tx.copyFrom('extra.notes', ['id', 'body'], [[1, 'a']]);
          expect((await tx.query('select * from extra.notes')).rowCount).toBe(1);
          throw new Error('undo');
        })
        .catch(() => undefined);
      expect(await count('extra.notes')).toBe(0);
    });

    it('rejects a row of the wrong width with a DbError, loading nothing', async () => {
      const bad = db.copyFrom('extra.notes', ['id', 'body'], [[1, 'ok'], [2]]);
      await expect(bad).rejects.toThrow(DbError);
      await expect(bad).rejects.toThrow(/row 1 has 1 values/);
      expect(await count('extra.notes')).toBe(0);
    });

    it("reports a value the column refuses with Postgres's error code, and stays usable", async () => {
      const err = await db
        .copyFrom('extra.notes', ['id', 'body'], [['not a number', 'x']])
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '22P02' });
      await db.copyFrom('extra.notes', ['id', 'body'], [[1, 'fine']]);
      expect(await count('extra.notes')).toBe(1);
    });
  });

  describe('result types (the same JS types on both backends)', () => {
    const typesQuery = `select
        1::int4 as int4, 2::int2 as int2, 9007199254740993::int8 as int8, count(*) as count,
        1.50::numeric as numeric, 1.5::float8 as float8,
        '2024-01-02T03:04:05.678Z'::timestamptz as timestamptz, '2024-01-02'::date as date,
        '{"a":[1,{"b":null}]}'::jsonb as jsonb, '00000000-0000-4000-8000-000000000001'::uuid as uuid,
        true as bool, '\\x00ff'::bytea as bytea, array[1,2]::int4[] as int4s, array[1,2]::int8[] as int8s,
        array['a','b'] as texts, '1 day 02:00:00'::interval as interval, null::text as nothing
      from (values (1)) as one(x)`;
    const expected = {
      int4: 1,
      int2: 2,
      int8: '9007199254740993',
      count: '1',
      numeric: '1.50',
      float8: 1.5,
      timestamptz: new Date('2024-01-02T03:04:05.678Z'),
      date: new Date(2024, 0, 2),
      jsonb: { a: [1, { b: null }] },
      uuid: '00000000-0000-4000-8000-000000000001',
      bool: true,
      bytea: Buffer.from([0, 255]),
      int4s: [1, 2],
      int8s: ['1', '2'],
      texts: ['a', 'b'],
      interval: '1 day 02:00:00',
      nothing: null,
    };

    it('without parameters', async () => {
      const { rows } = await db.query(typesQuery);
      expect(rows[0]).toEqual(expected);
      expect(Buffer.isBuffer(rows[0]!.bytea)).toBe(true);
    });

    it('with parameters (the extended protocol)', async () => {
      const { rows } = await db.query(`${typesQuery} where $1::int = 1`, [1]);
      expect(rows[0]).toEqual(expected);
    });

    it('accepts Dates, objects, bigints and Buffers as parameters', async () => {
      const { rows } = await db.query<Record<string, unknown>>(
        'select $1::timestamptz as at, $2::jsonb as doc, $3::int8 as big, $4::bytea as bytes',
        [new Date('2024-05-06T07:08:09.123Z'), { k: 'v' }, 12345678901234567n, Buffer.from([7])],
      );
      expect(rows[0]).toEqual({
        at: new Date('2024-05-06T07:08:09.123Z'),
        doc: { k: 'v' },
        big: '12345678901234567',
        bytes: Buffer.from([7]),
      });
    });
  });
});

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/port.ts';
import { runImport, type ImportFile } from '../../functions/imports/lib/importer.ts';
import { findImport, listFailedRows, registerImport } from '../../functions/imports/lib/imports-store.ts';
import type { ItemsManifest } from '../../functions/imports/lib/items-generator.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';
import { testLog } from '../helpers/platform.ts';

const HEADER = 'sku,name,category,price,quantity,updated_at\n';

/** A file in memory, read in small chunks so records cross chunk boundaries. */
function memoryFile(text: string | Buffer, chunkSize = 7): ImportFile & { bytes: Buffer } {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return {
    bytes,
    async open(offset) {
      return (async function* () {
        for (let i = offset; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
      })();
    },
  };
}

async function importText(db: Db, text: string | Buffer, options: { batchRecords?: number } = {}) {
  const file = memoryFile(text);
  const checksum = createHash('sha256').update(file.bytes).digest('hex');
  const { import: row } = await registerImport(db, {
    fileName: 'items.csv',
    source: 'upload',
    objectKey: `files/${checksum}.csv`,
    checksum,
    sizeBytes: file.bytes.length,
  });
  const outcome = await runImport(db, row.id, file, { log: testLog, leaseSeconds: 30, ...options });
  return { id: row.id, outcome };
}

describe.each(dbBackends)('the importer on %s', (backend) => {
  let testDb: TestDb;
  let db: Db;
  beforeAll(async () => {
    testDb = await createTestDb(backend);
    db = testDb.db;
  }, 60_000);
  afterAll(() => testDb?.drop());
  beforeEach(() => db.query('truncate imports.items, imports.imports cascade'));

  it('loads good rows, keeps every bad one with its line and reason, and resolves quoted fields', async () => {
    const text =
      HEADER +
      'SKU-1,"Crème brûlée, 6×",Grocery,12.50,3,2026-12-04T08:15:00Z\n' + // line 2
      'SKU-2,"Say ""hi""\nand bye",Toys,0,0,2026-12-04\r\n' + // lines 3-4
      'SKU-3,Lamp,Household,-1,2,2026-12-04\n' + // line 5: negative price
      'SKU-4,Cup,Household,1.234,2,2026-12-04\n' + // line 6: 3 decimals
      'SKU-5,Too,few\n' + // line 7: column count
      'SKU 6,Pen,Office,1,1,2026-12-04\n' + // line 8: illegal sku
      'SKU-7,Pot,Garden,2,1,2026-13-45\n' + // line 9: bad date
      'SKU-1,Crème brûlée (new),Grocery,13,4,2026-12-05\n'; // line 10: wins over line 2
    const { id, outcome } = await importText(db, text);
    expect(outcome).toMatchObject({
      status: 'loaded',
      rowsTotal: 8,
      rowsLoaded: 2,
      rowsFailed: 6,
      rowsStale: 0,
    });

    const items = await db.query('select sku, name, price::text, quantity from imports.items order by sku');
    expect(items.rows).toEqual([
      { sku: 'SKU-1', name: 'Crème brûlée (new)', price: '13.00', quantity: 4 },
      { sku: 'SKU-2', name: 'Say "hi"\nand bye', price: '0.00', quantity: 0 },
    ]);
    const failed = await listFailedRows(db, id, { limit: 100, offset: 0 });
    expect(failed.items.map((r) => [r.lineNumber, r.rule, r.column])).toEqual([
      [2, 'duplicate_sku', 'sku'],
      [5, 'price_negative', 'price'],
      [6, 'price_precision', 'price'],
      [7, 'column_count', null],
      [8, 'sku_illegal', 'sku'],
      [9, 'date_invalid', 'updated_at'],
    ]);
    expect(failed.items[0]).toMatchObject({
      rawLine: 'SKU-1,"Crème brûlée, 6×",Grocery,12.50,3,2026-12-04T08:15:00Z',
      reason: expect.stringContaining('appears again on line 10'),
    });
    expect(failed.items[2]!.reason).toBe('price 1.234 has 3 decimals; at most 2');
    const record = await findImport(db, id);
    expect(record).toMatchObject({ status: 'loaded', rowsRead: 8, rowsTotal: 8 });
  });

  it('keeps reading after a stray quote and an invalid UTF-8 line', async () => {
    const text = Buffer.concat([
      Buffer.from(HEADER + 'SKU-1,"Broken,Grocery,1,1,2026-12-04\nSKU-2,Fine,Grocery,1,1,2026-12-04\n'),
      Buffer.from('SKU-3,Bad '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',Grocery,1,1,2026-12-04\nSKU-4,Last "quote,Grocery,1,1,2026-12-04'),
    ]);
    const { id, outcome } = await importText(db, text);
    expect(outcome).toMatchObject({ status: 'loaded', rowsLoaded: 1, rowsFailed: 3 });
    const failed = await listFailedRows(db, id, { limit: 100, offset: 0 });
    expect(failed.items.map((r) => [r.lineNumber, r.rule])).toEqual([
      [2, 'unclosed_quote'],
      [4, 'invalid_utf8'],
      [5, 'unclosed_quote'],
    ]);
    expect(failed.items[1]!.rawLine).toBe('SKU-3,Bad \uFFFD(,Grocery,1,1,2026-12-04');
  });

  it('ignores a row older than the stored one, and loads nothing twice for the same bytes', async () => {
    await importText(db, HEADER + 'A,New,Toys,2,1,2026-12-05\n');
    const { outcome } = await importText(db, HEADER + 'A,Old,Toys,1,1,2026-12-01\n');
    expect(outcome).toMatchObject({ rowsLoaded: 0, rowsStale: 1 });
    const again = await registerImport(db, {
      fileName: 'again.csv',
      source: 'inbox',
      objectKey: 'x',
      checksum: createHash('sha256')
        .update(HEADER + 'A,New,Toys,2,1,2026-12-05\n')
        .digest('hex'),
      sizeBytes: 1,
    });
    expect(again.duplicateOf).not.toBeNull();
    expect(again.import.status).toBe('duplicate');
  });

  it('fails a file whose header is not the items header, with the reason', async () => {
    const { outcome } = await importText(db, 'id,title\n1,x\n');
    expect(outcome).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('expected the header'),
    });
  });

  it.each([
    ['sample-items', 500],
    ['sample-unclosed-quote', 7],
  ])(
    'loads the committed %s.csv with exact counts, and every bad row on its line with its rule',
    async (name, batch) => {
      const data = new URL(`../../functions/imports/data/${name}`, import.meta.url);
      const manifest = JSON.parse(
        await readFile(`${fileURLToPath(data)}.manifest.json`, 'utf8'),
      ) as ItemsManifest;
      const { id, outcome } = await importText(db, await readFile(`${fileURLToPath(data)}.csv`), {
        batchRecords: batch,
      });
      const expected = Object.entries(manifest.bad).flatMap(([rule, lines]) =>
        lines.map((line) => [line, rule]),
      );
      expect(outcome).toMatchObject({
        status: 'loaded',
        rowsTotal: manifest.rows,
        rowsLoaded: manifest.loaded,
        rowsFailed: expected.length,
      });
      const failed = await listFailedRows(db, id, { limit: 100, offset: 0 });
      const pages = [failed.items];
      for (let offset = 100; offset < failed.total; offset += 100) {
        pages.push((await listFailedRows(db, id, { limit: 100, offset })).items);
      }
      const found = pages.flat().map((row) => [row.lineNumber, row.rule]);
      expect(found).toEqual(expected.sort((a, b) => (a[0] as number) - (b[0] as number)));
    },
  );

  it('loads a sku that shares a hash with an earlier one as itself, not as its duplicate', async () => {
    // C-129599 and C-732382 have the same 32-bit FNV-1a hash (the importer's duplicate filter).
    const text = HEADER + 'C-129599,First,Toys,1,1,2026-12-04\n' + 'C-732382,Second,Toys,2,2,2026-12-04\n';
    const { outcome } = await importText(db, text);
    expect(outcome).toMatchObject({ status: 'loaded', rowsLoaded: 2, rowsFailed: 0 });
    const items = await db.query('select sku, name from imports.items order by sku');
    expect(items.rows).toEqual([
      { sku: 'C-129599', name: 'First' },
      { sku: 'C-732382', name: 'Second' },
    ]);
  });

  it('loads a file into empty items exactly as into items that hold rows', async () => {
    // Into empty items, Postgres copies first rows straight into items while staging (the direct
    // lane); with a row already there, everything goes through the staged rows. Same result.
    const rows = Array.from({ length: 120 }, (_, i) => {
      const sku = `S${i % 100}`; // skus 0-19 come twice: the later row wins
      const name = i % 7 === 0 ? `"Name, ${i}"` : ` Name ${i} `;
      return `${sku},${name},Toys,${i}.5,${i},2026-12-04T08:${String(i % 60).padStart(2, '0')}:00+01:00`;
    });
    const load = async (lineEnd: string) => {
      const { outcome } = await importText(db, HEADER + rows.join(lineEnd) + lineEnd, { batchRecords: 25 });
      const items = await db.query(
        `select sku, name, price::text, quantity, updated_at from imports.items where sku <> 'SENTINEL' order by sku`,
      );
      return { outcome, items: items.rows };
    };
    const intoEmpty = await load('\n');
    await db.query('truncate imports.items, imports.imports cascade');
    await db.query(
      `insert into imports.items (sku, name, category, price, quantity, updated_at, import_id)
       values ('SENTINEL', 'kept', 'Toys', 1, 1, now(), 0)`,
    );
    const intoFull = await load('\r\n');
    expect(intoEmpty.outcome).toMatchObject({ status: 'loaded', rowsLoaded: 100, rowsFailed: 20 });
    expect(intoFull.outcome).toMatchObject({ status: 'loaded', rowsLoaded: 100, rowsFailed: 20 });
    expect(intoFull.items).toEqual(intoEmpty.items);
    expect(intoEmpty.items.find((item) => item.sku === 'S5')).toMatchObject({
      name: 'Name, 105',
      quantity: 105,
    });
  });

  it('commits in batches and shows the rows read', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `S${i},Name ${i},Toys,1.5,${i},2026-12-04\n`).join('');
    const { id, outcome } = await importText(db, HEADER + rows, { batchRecords: 40 });
    expect(outcome).toMatchObject({ status: 'loaded', rowsLoaded: 250 });
    expect((await findImport(db, id))?.rowsRead).toBe(250);
  });
});

import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { loadManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import { insertJobs } from '../../shared/runtime/jobs.ts';
import type { Runner } from '../../shared/runtime/runner.ts';
import { startAdminRunner, type AdminRunner } from '../helpers/admin-runner.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestDriver, stacks, type TestDriver } from '../helpers/platform.ts';

/**
 * The Imports app through the whole runner (HTTP → file store → job → broker → task → Postgres),
 * on the embedded stack and on real Postgres with RabbitMQ: uploads, the inbox, the daily
 * trigger, the API, the CSV of failed rows, and the limits.
 */
const MAX_BYTES = 200_000;
const HEADER = 'sku,name,category,price,quantity,updated_at\n';
const GOOD =
  'SKU-1,Tea,Beverages,3.20,10,2026-12-04\nSKU-2,"Mug, large",Household,8,2,2026-12-04T10:00:00Z\n';
const BAD = 'SKU-3,Lamp,Household,1.999,1,2026-12-04\nSKU 4,Pen,Office,1,1,2026-12-04\n';

let manifest: Manifest;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'imports-e2e-'));
  manifest = await loadManifest();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe.each(stacks.filter((s) => s.queue !== 'sqs'))('Imports end to end on $name', (stack) => {
  let runner: Runner;
  let testDb: TestDb;
  let testDriver: TestDriver;
  let api: AdminRunner['api'];
  let finished: AdminRunner['finished'];
  let inbox: string;

  beforeAll(async () => {
    const stackData = await mkdtemp(path.join(dataDir, 'data-'));
    inbox = path.join(stackData, 'imports', 'inbox');
    testDb = await createTestDb(stack.db);
    testDriver = await createTestDriver(stack.queue);
    const config = loadConfig({
      ...testDriver.env,
      GRADCAFE_PULL_CRON: 'off',
      DATA_DIR: stackData,
      IMPORTS_MAX_BYTES: String(MAX_BYTES),
    });
    ({ runner, api, finished } = await startAdminRunner({
      db: testDb.db,
      driver: testDriver.driver,
      config,
      manifest,
    }));
  });

  afterAll(async () => {
    await runner?.stop();
    await testDriver?.cleanup(topologyOf(manifest).queues.map((q) => q.name));
    await testDb?.drop();
  });

  const json = async <T>(urlPath: string): Promise<T> => (await (await api(urlPath)).json()) as T;
  const upload = (name: string, body: string) =>
    api(`/imports/files?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body,
    });

  it('imports an uploaded file: 202, then the counts, failed rows (also as CSV) and items', async () => {
    const response = await upload('daily items.csv', HEADER + GOOD + BAD);
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { jobId: string; importId: string };
    expect(accepted).toMatchObject({
      ok: true,
      queued: true,
      kind: 'imports.file',
      importId: expect.any(String),
    });
    expect(await finished(accepted.jobId)).toMatchObject({ status: 'succeeded' });

    const record = await json<Record<string, unknown>>(`/imports/api/imports/${accepted.importId}`);
    expect(record).toMatchObject({
      fileName: 'daily_items.csv',
      source: 'upload',
      status: 'loaded',
      rowsTotal: 4,
      rowsLoaded: 2,
      rowsFailed: 2,
      jobId: accepted.jobId,
    });

    const failed = await json<{ items: { lineNumber: number; rule: string }[]; total: number }>(
      `/imports/api/imports/${accepted.importId}/failed-rows?rule=price_precision`,
    );
    expect(failed).toMatchObject({ total: 1, items: [{ lineNumber: 4, rule: 'price_precision' }] });

    const csv = await api(`/imports/runs/${accepted.importId}/failed-rows.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n')).toEqual([
      'line_number,rule,column,reason,raw_line',
      '"4","price_precision","price","price 1.999 has 3 decimals; at most 2","SKU-3,Lamp,Household,1.999,1,2026-12-04"',
      expect.stringMatching(/^"5","sku_illegal","sku",.*"SKU 4,Pen,Office,1,1,2026-12-04"$/),
      '',
    ]);

    const items = await json<{ items: { sku: string; price: string }[]; total: number }>(
      '/imports/api/items?q=mug&category=Household',
    );
    expect(items).toMatchObject({ total: 1, items: [{ sku: 'SKU-2', price: '8.00' }] });

    const history = await json<{ items: { id: string }[] }>('/imports/api/imports?limit=5');
    expect(history.items[0]!.id).toBe(accepted.importId);
  });

  it('does not load the same bytes twice, and says so', async () => {
    const body = HEADER + 'TWICE-1,Once,Toys,1,1,2026-12-04\n';
    const first = (await (await upload('once.csv', body)).json()) as { jobId: string; importId: string };
    await finished(first.jobId);
    const second = await upload('again.csv', body);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ ok: true, queued: false, duplicateOf: first.importId });
  });

  it('takes a multipart upload (the page form)', async () => {
    const form = new FormData();
    form.append('note', 'ignored field');
    form.append(
      'file',
      new Blob([HEADER + 'FORM-1,Form,Toys,1,1,2026-12-04\n'], { type: 'text/csv' }),
      'form.csv',
    );
    const response = await api('/imports/files', { method: 'POST', body: form });
    expect(response.status).toBe(202);
    const { jobId, importId } = (await response.json()) as { jobId: string; importId: string };
    await finished(jobId);
    expect(await json(`/imports/api/imports/${importId}`)).toMatchObject({
      fileName: 'form.csv',
      rowsLoaded: 1,
    });
  });

  it('refuses a body beyond IMPORTS_MAX_BYTES, declared or streamed, and registers nothing', async () => {
    const before = (await json<{ total: number }>('/imports/api/imports')).total;
    const big = HEADER + 'X,'.repeat(MAX_BYTES);
    const declared = await upload('big.csv', big);
    expect(declared.status).toBe(413);
    const streamed = await api('/imports/files?name=big.csv', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit & { headers: Record<string, string> });
    expect(streamed.status).toBe(413);
    expect((await json<{ total: number }>('/imports/api/imports')).total).toBe(before);
  });

  it('answers a bad upload with a 400 that says what to send', async () => {
    const response = await api('/imports/files', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/text\/csv/);
  });

  it('the daily trigger imports the inbox, and a second trigger while one is active is refused', async () => {
    await mkdir(inbox, { recursive: true });
    await writeFile(path.join(inbox, 'dropped.csv'), HEADER + 'INBOX-1,Dropped,Garden,5,5,2026-12-04\n');
    const past = new Date(Date.now() - 60_000);
    await utimes(path.join(inbox, 'dropped.csv'), past, past); // settled: not still being written
    await writeFile(path.join(inbox, 'notes.txt'), 'not a csv');

    const response = await api('/imports/trigger-job', { method: 'POST' });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    const job = await finished(jobId);
    expect(job).toMatchObject({ status: 'succeeded', result: { registered: 1, duplicates: 0 } });
    expect(await readdir(inbox)).toEqual(['notes.txt']);
    const items = await json<{ items: { sku: string }[] }>('/imports/api/items?q=INBOX');
    expect(items.items.map((i) => i.sku)).toEqual(['INBOX-1']);

    // A daily import that is queued (or running) is not started twice.
    await insertJobs(testDb.db, [
      { id: crypto.randomUUID(), kind: 'imports.daily', payload: {}, correlationId: 'x' },
    ]);
    const refused = await api('/imports/trigger-job', { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /already queued/,
    );
    await testDb.db.query(
      `update jobs set status = 'succeeded' where kind = 'imports.daily' and status = 'queued'`,
    );
  });

  it('serves the page with the history, and the detail page with failed rows', async () => {
    const page = await api('/imports/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Import history');
    const id = /href="\/imports\/runs\/(\d+)"/.exec(html)?.[1];
    expect(id).toBeDefined();
    const detail = await api(`/imports/runs/${id}`, { headers: { accept: 'text/html' } });
    expect(detail.status).toBe(200);
    expect(await detail.text()).toContain('Failed rows');

    // The app's metrics, read from its tables at scrape time.
    const metrics = await (await fetch(`${runner.url}/metrics`)).text();
    expect(metrics).toMatch(/^fnstack_imports_last_rows\{outcome="loaded"\} 1$/m);
    expect(metrics).toMatch(/^fnstack_imports\{status="duplicate"\} 1$/m);
    expect(metrics).toMatch(/^fnstack_imports_last_success_timestamp_seconds \d+/m);
  });
});

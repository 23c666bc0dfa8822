import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { loadManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import type { Runner } from '../../shared/runtime/runner.ts';
import { startAdminRunner, type AdminRunner } from '../helpers/admin-runner.ts';
import { createObjectStore, type ObjectStore } from '../../shared/storage/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestDriver, testSqsEmulator, type TestDriver } from '../helpers/platform.ts';
import { startS3Emulator, type S3Emulator } from '../helpers/s3.ts';
import { SQS_TEST_CREDENTIALS } from '../helpers/sqs.ts';

/**
 * The Imports app as it runs in containers and on Lambda: Postgres, SQS, and its files in an S3
 * bucket (fauxqs emulates both): a file put under the bucket's inbox/ is imported by the daily
 * trigger, and an upload is kept under files/.
 */
const HEADER = 'sku,name,category,price,quantity,updated_at\n';

describe('Imports with an S3 bucket on Postgres + SQS', () => {
  let manifest: Manifest;
  let s3: S3Emulator;
  let bucket: string;
  let inbox: ObjectStore;
  let files: ObjectStore;
  let runner: Runner;
  let testDb: TestDb;
  let testDriver: TestDriver;
  let dataDir: string;
  let api: AdminRunner['api'];
  let finished: AdminRunner['finished'];

  beforeAll(async () => {
    // The bucket's stores use the SDK's credential chain, as on Lambda: here, the environment.
    process.env.AWS_ACCESS_KEY_ID = SQS_TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = SQS_TEST_CREDENTIALS.secretAccessKey;
    manifest = await loadManifest();
    s3 = await startS3Emulator();
    bucket = await s3.createBucket();
    inbox = createObjectStore({ bucket, prefix: 'inbox/', ...s3.storeOptions });
    files = createObjectStore({ bucket, prefix: 'files/', ...s3.storeOptions });
    dataDir = await mkdtemp(path.join(tmpdir(), 'imports-s3-'));
    testDb = await createTestDb('postgres');
    await testSqsEmulator();
    testDriver = await createTestDriver('sqs');
    const config = loadConfig({
      ...testDriver.env,
      GRADCAFE_PULL_CRON: 'off',
      DATA_DIR: dataDir,
      IMPORTS_BUCKET: bucket,
      S3_ENDPOINT: s3.endpoint,
      AWS_REGION: s3.storeOptions.region,
    });
    ({ runner, api, finished } = await startAdminRunner({
      db: testDb.db,
      driver: testDriver.driver,
      config,
      manifest,
    }));
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    await testDriver?.cleanup(topologyOf(manifest).queues.map((q) => q.name));
    await testDb?.drop();
    await s3?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const keys = async (store: ObjectStore) => {
    const found: string[] = [];
    for await (const object of store.list()) found.push(object.key);
    return found;
  };

  it("imports a file put in the bucket's inbox, and keeps it under files/", async () => {
    await inbox.write(
      '2026-12-05.csv',
      HEADER + 'S3-1,From S3,Toys,2,2,2026-12-04\nS3-2,Bad,Toys,-1,2,2026-12-04\n',
    );
    const response = await api('/imports/trigger-job', { method: 'POST' });
    expect(response.status).toBe(202);
    const job = await finished(((await response.json()) as { jobId: string }).jobId);
    expect(job).toMatchObject({ status: 'succeeded', result: { registered: 1 } });
    expect(await keys(inbox)).toEqual([]);
    const history = (await (await api('/imports/api/imports')).json()) as {
      items: Record<string, unknown>[];
    };
    expect(history.items[0]).toMatchObject({ source: 's3', status: 'loaded', rowsLoaded: 1, rowsFailed: 1 });
    expect(await keys(files)).toEqual([history.items[0]!.objectKey]);
  });

  it('streams an upload into the bucket and imports it from there', async () => {
    const response = await api('/imports/files?name=upload.csv', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: HEADER + 'S3-3,Uploaded,Toys,3,3,2026-12-04\n',
    });
    expect(response.status).toBe(202);
    const { jobId, importId } = (await response.json()) as { jobId: string; importId: string };
    expect(await finished(jobId)).toMatchObject({ status: 'succeeded' });
    const record = (await (await api(`/imports/api/imports/${importId}`)).json()) as { objectKey: string };
    expect(record).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
    expect(await keys(files)).toContain(record.objectKey);
  });
});

import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listImports } from '../../functions/imports/lib/imports-store.ts';
import { loadConfig } from '../../shared/config.ts';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import { loadManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createPlatform } from '../../shared/runtime/platform.ts';
import { startRunner, type Runner } from '../../shared/runtime/runner.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { testLog } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/** IMPORTS_CRON drives the daily import: a file settled in the inbox is imported with nobody asking. */
describe('the daily import schedule', () => {
  let runner: Runner;
  let testDb: TestDb;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'imports-schedule-'));
    const inbox = path.join(dataDir, 'imports', 'inbox');
    await mkdir(inbox, { recursive: true });
    const file = path.join(inbox, 'scheduled.csv');
    await writeFile(file, 'sku,name,category,price,quantity,updated_at\nCRON-1,Timed,Toys,1,1,2026-12-04\n');
    const past = new Date(Date.now() - 60_000);
    await utimes(file, past, past);
    testDb = await createTestDb('pglite');
    // Every second (croner's six-field form), so the test does not wait for 05:00.
    const config = loadConfig({
      DATA_DIR: dataDir,
      IMPORTS_CRON: '* * * * * *',
      GRADCAFE_PULL_CRON: 'off',
      PRUNE_CRON: 'off',
    });
    const manifest = await loadManifest();
    const driver = createMemoryDriver({ log: testLog });
    await driver.declare(topologyOf(manifest));
    const platform = createPlatform({ config, log: testLog, db: testDb.db, driver, manifest });
    runner = await startRunner(platform, { roles: ['worker', 'scheduler'], port: 0, host: '127.0.0.1' });
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    await testDb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports the inbox on its own', async () => {
    const history = await waitFor(
      async () => {
        const page = await listImports(testDb.db, { limit: 5, offset: 0 });
        return page.items.some((row) => row.status === 'loaded') && page;
      },
      { timeoutMs: 20_000, message: 'the scheduled import' },
    );
    expect(history.items).toEqual([
      expect.objectContaining({ fileName: 'scheduled.csv', rowsLoaded: 1, source: 'inbox' }),
    ]);
  });
});

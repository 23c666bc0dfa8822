import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findImport, registerImport } from '../../functions/imports/lib/imports-store.ts';
import { generateItems, newManifest } from '../../functions/imports/lib/items-generator.ts';
import { FILE_KIND } from '../../functions/imports/lib/run-imports.ts';
import { keepFile } from '../../functions/imports/lib/sources.ts';
import type { Db } from '../../shared/db/port.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { loadManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createObjectStore } from '../../shared/storage/index.ts';
import { createTestDb } from '../helpers/db.ts';
import { createTestDriver, RABBITMQ_TEST_URL, type TestDriver } from '../helpers/platform.ts';
import { testProcesses, type TestChild } from '../helpers/processes.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A worker killed (SIGKILL) in the middle of a 200,000-row import, on real Postgres and RabbitMQ:
 * nothing of the import reaches items or failed_rows, and the redelivered message, once the dead
 * worker's lease has expired, resumes the import from its staged rows and loads exact counts.
 */
const ROWS = 200_000;
const processes = testProcesses();
let db: Db;
let url: string;
let drop: () => Promise<void>;
let testDriver: TestDriver;
let dataDir: string;
const queueNames: string[] = [];

beforeAll(async () => {
  const testDb = await createTestDb('postgres');
  db = testDb.db;
  url = testDb.url!;
  drop = testDb.drop;
  testDriver = await createTestDriver('rabbitmq');
  const topology = topologyOf(await loadManifest());
  queueNames.push(...topology.queues.map((q) => q.name));
  await testDriver.driver.declare(topology);
  dataDir = await mkdtemp(path.join(tmpdir(), 'imports-crash-'));
}, 60_000);

afterAll(async () => {
  await testDriver?.cleanup(queueNames);
  await drop?.();
  await rm(dataDir, { recursive: true, force: true });
});

function startWorker(): TestChild {
  return processes.start(process.execPath, ['--import', 'tsx', 'tests/fixtures/imports-worker.ts'], {
    env: {
      ...process.env,
      ...testDriver.env,
      DATABASE_URL: url,
      RABBITMQ_URL: RABBITMQ_TEST_URL,
      DATA_DIR: dataDir,
      IMPORTS_LEASE_S: '2',
      IMPORTS_CRON: 'off',
      GRADCAFE_PULL_CRON: 'off',
      PRUNE_CRON: 'off',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const countOf = async (sql: string, id: string) =>
  Number((await db.query<{ n: string }>(sql, [id])).rows[0]!.n);

describe('an import whose worker is killed', () => {
  it('leaves no partial rows, and the re-run completes it with exact counts', async () => {
    const manifest = newManifest();
    const files = createObjectStore({ dir: path.join(dataDir, 'imports', 'files') });
    await mkdir(path.join(dataDir, 'imports', 'files'), { recursive: true });
    const kept = await keepFile(
      files,
      'big.csv',
      generateItems({ rows: ROWS, badRatio: 0.05, seed: 11 }, manifest),
    );
    const { import: row } = await registerImport(db, { fileName: 'big.csv', source: 'upload', ...kept });

    const first = startWorker();
    await waitFor(() => first.lines.includes('ready'), { timeoutMs: 30_000 });
    await testDriver.driver.publish(createEnvelope({ kind: FILE_KIND, payload: { importId: row.id } }));
    // Killed after its first batches are staged and before the import is loaded.
    await waitFor(async () => ((await findImport(db, row.id))?.rowsRead ?? 0) > 0, { timeoutMs: 30_000 });
    first.child.kill('SIGKILL');
    await first.exited;

    const killed = await findImport(db, row.id);
    expect(killed).toMatchObject({ status: 'running' });
    expect(killed!.rowsRead).toBeLessThan(ROWS);
    expect(await countOf('select count(*) as n from imports.items where import_id = $1', row.id)).toBe(0);
    expect(await countOf('select count(*) as n from imports.failed_rows where import_id = $1', row.id)).toBe(
      0,
    );

    const second = startWorker();
    const done = await waitFor(
      async () => {
        const current = await findImport(db, row.id);
        return current?.status === 'loaded' && current;
      },
      { timeoutMs: 90_000, message: 'the import to be loaded by the second worker' },
    );
    const failed = Object.values(manifest.bad).reduce((n, lines) => n + lines.length, 0);
    expect(done).toMatchObject({ rowsTotal: ROWS, rowsLoaded: manifest.loaded, rowsFailed: failed });
    expect(await countOf('select count(*) as n from imports.items where import_id = $1', row.id)).toBe(
      manifest.loaded,
    );
    expect(await countOf('select count(*) as n from imports.failed_rows where import_id = $1', row.id)).toBe(
      failed,
    );
    second.child.kill('SIGTERM');
    await second.exited;
  }, 180_000);
});

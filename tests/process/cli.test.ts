import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMigration } from '../../scripts/cli/db-commands.ts';
import { loadManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestDriver, type TestDriver } from '../helpers/platform.ts';
import { testProcesses } from '../helpers/processes.ts';
import { startS3Emulator } from '../helpers/s3.ts';
import { SQS_TEST_CREDENTIALS } from '../helpers/sqs.ts';
import { publishRaw, withRawChannel } from '../helpers/rabbitmq.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { envelopeProperties } from '../../shared/queue/rabbitmq/messages.ts';
import { topologyNames } from '../../shared/queue/rabbitmq/index.ts';

/** `npm run cli`: the management commands, as real processes on real Postgres and RabbitMQ. */
const processes = testProcesses();
let testDb: TestDb;
let testDriver: TestDriver;
let queues: string[];
let dataDir: string;
beforeAll(async () => {
  testDb = await createTestDb('postgres');
  testDriver = await createTestDriver('rabbitmq');
  const topology = topologyOf(await loadManifest());
  queues = topology.queues.map((q) => q.name);
  await testDriver.driver.declare(topology);
  dataDir = await mkdtemp(path.join(tmpdir(), 'cli-'));
}, 60_000);
afterAll(async () => {
  await testDriver?.cleanup(queues);
  await testDb?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

const run = async (args: string[], env: Record<string, string> = {}) => {
  const child = processes.start(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
    env: {
      ...process.env,
      DATABASE_URL: testDb.url!,
      ...testDriver.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...env,
    },
  });
  return { code: await child.exited, output: child.output().trim() };
};

describe('npm run cli', () => {
  it('runs one SQL statement and prints its rows, as a table or JSON', async () => {
    const table = await run(['sql', "select 'imports' as app, 3 as n"]);
    expect(table.code).toBe(0);
    expect(table.output).toMatch(/│ *app *│ *n *│/);
    const json = await run(['sql', "select 'imports' as app", '--json']);
    expect(JSON.parse(json.output)).toEqual([{ app: 'imports' }]);
  });

  it('queues a job of any kind through the broker, and refuses an unknown kind with the known ones', async () => {
    const queued = await run(['trigger', 'imports.daily']);
    expect(queued.code).toBe(0);
    const jobId = /job ([0-9a-f-]{36})/.exec(queued.output)?.[1];
    const { rows } = await testDb.db.query('select kind, status from jobs where id = $1', [jobId]);
    expect(rows).toEqual([{ kind: 'imports.daily', status: 'queued' }]);
    expect(await testDriver.driver.depth('imports.daily-import')).toMatchObject({ ready: 1 });

    const unknown = await run(['trigger', 'imports.nightly']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/Unknown kind imports.nightly; known: .*imports.daily/);
  });

  it('lists the schedules with their next run', async () => {
    const { code, output } = await run(['schedules', 'list']);
    expect(code).toBe(0);
    expect(output).toMatch(
      /imports-daily-schedule: 0 5 \* \* \* → imports\.daily, next \d{4}-\d\d-\d\dT05:00/,
    );
  });

  it('lists dead letters per queue', async () => {
    const { code, output } = await run(['dead-letters', 'list', '--queue', 'imports.import-file']);
    expect(code).toBe(0);
    expect(output).toBe('imports.import-file: 0 dead letter(s)');
  });

  it('replays the dead letters given, or --all of them, and asks for one or the other', async () => {
    const queue = 'imports.import-file';
    const dlq = topologyNames(testDriver.env.QUEUE_PREFIX!).dlq(queue);
    const envelopes = [1, 2, 3].map(() =>
      createEnvelope({ kind: 'imports.file', payload: { importId: '1' } }),
    );
    for (const envelope of envelopes)
      await publishRaw(dlq, JSON.stringify(envelope), envelopeProperties(envelope));
    const [first] = await testDriver.driver.listDead(queue, 1);

    const neither = await run(['dead-letters', 'replay', queue]);
    expect(neither.code).toBe(2);
    expect(neither.output).toContain('or --all');
    const one = await run(['dead-letters', 'replay', queue, first!.deadId]);
    expect(one.output).toBe(`${queue}: 1 dead letter(s) replayed`);
    const all = await run(['dead-letters', 'replay', queue, '--all']);
    expect(all.output).toBe(`${queue}: 2 dead letter(s) replayed`);
    expect(await testDriver.driver.depth(queue)).toMatchObject({ ready: 3, dead: 0 });
    await withRawChannel((channel) =>
      channel.purgeQueue(topologyNames(testDriver.env.QUEUE_PREFIX!).main(queue)),
    );
  });

  it('verifies every configured dependency, and fails naming the one it cannot reach', async () => {
    const ok = await run(['verify']);
    expect(ok.code).toBe(0);
    expect(ok.output).toMatch(/^ok +database \(DATABASE_URL\)/m);
    expect(ok.output).toMatch(/^ok +queue \(rabbitmq/m);
    const down = await run(['verify'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:9/none' });
    expect(down.code).toBe(1);
    expect(down.output).toMatch(/^FAIL database \(DATABASE_URL\).*ECONNREFUSED/m);
  });

  it('verifies the imports bucket when one is configured', async () => {
    const s3 = await startS3Emulator();
    try {
      const env = {
        S3_ENDPOINT: s3.endpoint,
        AWS_ACCESS_KEY_ID: SQS_TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SQS_TEST_CREDENTIALS.secretAccessKey,
      };
      const bucket = await s3.createBucket();
      const ok = await run(['verify'], { ...env, IMPORTS_BUCKET: bucket });
      expect(ok.code).toBe(0);
      expect(ok.output).toMatch(new RegExp(`^ok +imports bucket \\(s3://${bucket}\\)`, 'm'));
      const missing = await run(['verify'], { ...env, IMPORTS_BUCKET: 'no-such-bucket' });
      expect(missing.code).toBe(1);
      expect(missing.output).toMatch(/^FAIL imports bucket \(s3:\/\/no-such-bucket\).*bucket/im);
    } finally {
      await s3.stop();
    }
  });

  it('explains why there is no psql shell on the embedded database', async () => {
    const { code, output } = await run(['db:shell'], { DATABASE_URL: '' });
    expect(code).toBe(2);
    expect(output).toMatch(/embedded database .* not as a server psql can reach/);
  });

  it('answers an unknown command with exit code 2', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
  });
});

describe('migration:new', () => {
  it('creates the next numbered file, and refuses a name it cannot use', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sql-'));
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, '0009_imports.sql'), ''));
    const file = await newMigration('Add item tags', dir);
    expect(path.basename(file)).toBe('0010_add_item_tags.sql');
    expect(await readFile(file, 'utf8')).toMatch(/^-- Add item tags:/);
    await expect(newMigration('!!', dir)).rejects.toThrow(/Not a usable migration name/);
    expect(await readdir(dir)).toHaveLength(2);
    await rm(dir, { recursive: true, force: true });
  });
});

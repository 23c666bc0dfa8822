import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/lambda/build/bundle.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

/**
 * The README's "try a bundle locally" commands, run as written on a fresh checkout: read from the
 * README itself, so the test follows the text. Only the README's database (the machine's own
 * Postgres) is swapped for a database of the test's own.
 */
const README_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

let testDb: TestDb;
let dataDir: string;
let commands: string[];

beforeAll(async () => {
  testDb = await createTestDb('postgres');
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'fnstack-readme-'));
  commands = readmeBlockAfter(
    await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8'),
    'Try a bundle locally',
  );
}, 60_000);
afterAll(async () => {
  await testDb?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Run one README line in a shell at the project root, as a user would (no DATABASE_URL of ours). */
async function sh(line: string) {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', line], {
      cwd: PROJECT_ROOT,
      env: { ...env, DATA_DIR: dataDir },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the README', () => {
  it('builds, makes events for and invokes a Lambda bundle with the commands it shows', async () => {
    expect(commands.some((c) => c.startsWith('npm run invoke'))).toBe(true);
    let invoked = false;
    for (const command of commands) {
      const line = command.replaceAll(README_DATABASE_URL, testDb.url!);
      const run = await sh(line);
      expect({ line, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toMatchObject({ code: 0 });
      if (line.startsWith('npm run -s event') && !line.includes('>')) {
        expect(() => JSON.parse(run.stdout)).not.toThrow();
      }
      if (line.startsWith('npm run invoke')) {
        invoked = true;
        // The function ran on the migrated database: no analysis yet is its own 404, not a crash.
        const answer = JSON.parse(run.stdout.slice(run.stdout.indexOf('\n{') + 1)) as {
          statusCode: number;
          body: string;
        };
        expect(answer.statusCode).toBe(404);
        expect(JSON.parse(answer.body)).toMatchObject({
          error: { message: expect.stringContaining('No analysis has been computed yet') },
        });
        // It signed with the development secrets npm start keeps, not a missing-secret error.
        expect(run.stderr).toContain(`JWT_SECRET and SESSION_SECRET from`);
      }
    }
    expect(invoked).toBe(true);
  }, 180_000);

  it('says in one line that a Lambda function needs DATABASE_URL, when none is set', async () => {
    const invoke = commands.find((c) => c.startsWith('npm run invoke'))!;
    const withoutDatabase = `${invoke.replace(/--env DATABASE_URL=\S+/, '')} --env DATABASE_URL=`;
    const run = await sh(withoutDatabase);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('{'); // no result: the bundle never ran
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('invoke:'));
    expect(lines.at(-1)).toMatch(/^invoke: gradcafe-api-analysis needs DATABASE_URL\. /);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});

/** The shell commands of the first ```sh block after `heading` (comments and blank lines dropped). */
function readmeBlockAfter(readme: string, heading: string): string[] {
  const from = readme.indexOf(heading);
  expect(from, `README section "${heading}"`).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))![1]!;
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers } from '../../shared/auth/users.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { FAST_PASSWORDS } from '../helpers/auth.ts';
import { testProcesses } from '../helpers/processes.ts';

/** `npm run users`: the way back into an account, and into an admin role, from a shell. */
const processes = testProcesses();
let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb('postgres');
}, 60_000);
afterAll(() => testDb?.drop());

const run = async (...args: string[]) => {
  const child = processes.start(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], {
    env: { ...process.env, DATABASE_URL: testDb.url! },
  });
  return { code: await child.exited, output: child.output().trim() };
};

describe('npm run users', () => {
  it('resets a password (printed once), promotes and demotes; earlier sessions and tokens end', async () => {
    const users = createUsers(testDb.db, { passwordParams: FAST_PASSWORDS });
    const ann = await users.register({ email: 'ann@example.com', password: 'forgotten password' });

    const reset = await run('reset-password', 'ann@example.com');
    expect(reset.code).toBe(0);
    const password = /new password (\S+) \(shown this once\)/.exec(reset.output)?.[1];
    expect(password).toBeDefined();
    expect(await users.authenticate('ann@example.com', password!)).toMatchObject({ id: ann.id });
    expect(await users.authenticate('ann@example.com', 'forgotten password')).toBeUndefined();

    expect((await run('role', 'ann@example.com', 'admin')).code).toBe(0);
    expect(await users.byId(ann.id)).toMatchObject({ role: 'admin', authVersion: 3 });
    expect((await run('role', 'ann@example.com', 'user')).code).toBe(0);
    expect(await users.byId(ann.id)).toMatchObject({ role: 'user' });
  });

  it('says what is wrong in one line: usage, an unknown account', async () => {
    const usage = await run('role', 'ann@example.com', 'king');
    expect(usage.code).toBe(2);
    expect(usage.output).toMatch(/^Usage: npm run users/);
    const unknown = await run('reset-password', 'nobody@example.com');
    expect(unknown).toEqual({ code: 2, output: 'No account with the email nobody@example.com.' });
  });
});

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { createServerDb, describeDatabase } from '../../shared/db/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startPasswordGate } from '../helpers/password-gate.ts';

/**
 * A database whose credentials live in Secrets Manager (the SDK mocked), on the real Postgres
 * behind a stand-in that checks passwords: the pool connects with the secret's user, host, port
 * and database, and when the password is rotated it fetches the secret again, once, and goes on.
 */
const secretsManager = mockClient(SecretsManagerClient);
let testDb: TestDb;
let gate: Awaited<ReturnType<typeof startPasswordGate>>;
const dbs: Db[] = [];

beforeAll(async () => {
  testDb = await createTestDb('postgres');
  gate = await startPasswordGate({ port: 5432, password: 'first-password' });
});
afterEach(() => secretsManager.reset());
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.close()));
  await gate?.close();
  await testDb?.drop();
});

const secret = (password: string) => ({
  SecretString: JSON.stringify({
    username: 'postgres',
    password,
    host: '127.0.0.1',
    port: gate.port,
    dbname: new URL(testDb.url!).pathname.slice(1),
  }),
});

async function secretDb(): Promise<Db> {
  const config = loadConfig({ DATABASE_SECRET_ID: 'test/db', AWS_REGION: 'eu-west-1' });
  expect(config.embeddedDb).toBe(false);
  expect(describeDatabase(config)).toBe('Postgres (credentials from secret test/db)');
  const db = await createServerDb(config, { max: 2, log: pino({ level: 'silent' }) });
  dbs.push(db!);
  return db!;
}

describe('DATABASE_SECRET_ID', () => {
  it("connects with the secret's user, host, port and database", async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'test/db' }).resolves(secret('first-password'));
    const db = await secretDb();
    const { rows } = await db.query<{ user: string; database: string }>(
      `select current_user as user, current_database() as database`,
    );
    expect(rows).toEqual([{ user: 'postgres', database: new URL(testDb.url!).pathname.slice(1) }]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('fetches the secret again, once, when the password is refused (rotation)', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce(secret('first-password'))
      .resolves(secret('second-password'));
    const db = await secretDb();
    await db.query('select 1');
    // Rotate: the server takes only the new password; open connections stay up, new ones need it.
    gate.password = 'second-password';
    const refusedBefore = gate.refused;
    const held = await Promise.all([db.query('select pg_sleep(0.05)'), db.query('select pg_sleep(0.05)')]);
    expect(held).toHaveLength(2);
    expect(gate.refused).toBeGreaterThan(refusedBefore);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect((await db.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('answers DbUnavailableError when even the fetched-again password is refused', async () => {
    secretsManager.on(GetSecretValueCommand).resolves(secret('stale-password'));
    gate.password = 'nobody-knows';
    const db = await createServerDb(
      { DATABASE_SECRET_ID: 'test/db', DATA_DIR: '.data', DATABASE_URL: undefined },
      { max: 1, log: pino({ level: 'silent' }) },
    );
    dbs.push(db!);
    await expect(db!.query('select 1')).rejects.toMatchObject({
      name: 'DbUnavailableError',
      message: expect.stringMatching(/password authentication failed/),
    });
    // At start, and once after the refusal: not a fetch per attempt.
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

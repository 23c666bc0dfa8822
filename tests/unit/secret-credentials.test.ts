import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config.ts';
import { secretsManagerCredentials } from '../../shared/db/secret-credentials.ts';

/** DATABASE_SECRET_ID's credentials, with the SDK's client mocked (aws-sdk-client-mock). */
const secretsManager = mockClient(SecretsManagerClient);
afterEach(() => secretsManager.reset());

const RDS_SECRET = {
  engine: 'postgres',
  username: 'app',
  password: 's3cret-1',
  host: 'db.internal',
  port: 6432,
  dbname: 'catalog',
};
const answer = (secret: unknown) => ({
  SecretString: typeof secret === 'string' ? secret : JSON.stringify(secret),
});
const source = () => secretsManagerCredentials({ secretId: 'prod/db', region: 'eu-west-1' });

describe('secretsManagerCredentials', () => {
  it('reads an RDS-shaped secret once and caches it', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'prod/db' }).resolves(answer(RDS_SECRET));
    const credentials = source();
    const expected = {
      user: 'app',
      password: 's3cret-1',
      host: 'db.internal',
      port: 6432,
      database: 'catalog',
    };
    expect(await credentials.current()).toEqual(expected);
    expect(await credentials.current()).toEqual(expected);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('defaults the port and the database name', async () => {
    secretsManager.on(GetSecretValueCommand).resolves(answer({ username: 'a', password: 'b', host: 'h' }));
    expect(await source().current()).toMatchObject({ port: 5432, database: 'postgres' });
  });

  it('fetches again on refresh (a rotation), one fetch for concurrent callers', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce(answer(RDS_SECRET))
      .resolves(answer({ ...RDS_SECRET, password: 's3cret-2' }));
    const credentials = source();
    await credentials.current();
    const refreshed = await Promise.all([
      credentials.refresh(),
      credentials.refresh(),
      credentials.refresh(),
    ]);
    expect(refreshed.map((c) => c.password)).toEqual(['s3cret-2', 's3cret-2', 's3cret-2']);
    expect((await credentials.current()).password).toBe('s3cret-2');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret that is not JSON, or lacks fields, without showing its values', async () => {
    secretsManager.on(GetSecretValueCommand).resolvesOnce(answer('postgres://app:pw@h/db'));
    await expect(source().current()).rejects.toThrow(
      new ConfigError('The database secret prod/db is not JSON text'),
    );
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves(answer({ username: 'app', password: 'hidden-pw' }));
    const missing = source().current();
    await expect(missing).rejects.toThrow(/secret prod\/db is missing fields: host/);
    await expect(missing).rejects.not.toThrow(/hidden-pw/);
  });

  it('says why it cannot read the secret, and asks again next time', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('AccessDeniedException: not authorized'))
      .resolves(answer(RDS_SECRET));
    const credentials = source();
    await expect(credentials.current()).rejects.toThrow(
      /Cannot read the database secret prod\/db: AccessDeniedException: not authorized/,
    );
    expect(await credentials.current()).toMatchObject({ user: 'app' });
  });
});

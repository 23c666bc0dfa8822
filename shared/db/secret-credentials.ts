import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { ConfigError } from '../config.ts';
import { describeIssues } from '../validation.ts';

/**
 * Database credentials kept in AWS Secrets Manager (`DATABASE_SECRET_ID`): a JSON secret shaped as
 * RDS writes its own (`{"username", "password", "host", "port", "dbname"}`). Fetched once at start
 * and cached; fetched again when the database refuses the password, which is what a rotation
 * looks like from here (see createPgDb's `credentials`).
 */
export interface DbCredentials {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
}

export interface DbCredentialSource {
  /** Where they come from, for logs and errors (never the values). */
  readonly describe: string;
  /** The cached credentials; the first call fetches them. */
  current(): Promise<DbCredentials>;
  /** Fetch them again (the cached password was refused); concurrent callers share one fetch. */
  refresh(): Promise<DbCredentials>;
}

const secretSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535).default(5432),
  dbname: z.string().min(1).default('postgres'),
});

export function secretsManagerCredentials(options: {
  secretId: string;
  /** Default: the SDK's own (AWS_REGION). */
  region?: string;
  /** An emulator's endpoint (LocalStack). */
  endpoint?: string | undefined;
  /** A client of the caller's (tests mock the SDK's). */
  client?: SecretsManagerClient;
}): DbCredentialSource {
  const describe = `secret ${options.secretId}`;
  const client =
    options.client ??
    new SecretsManagerClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
  let cached: Promise<DbCredentials> | undefined;

  async function fetchCredentials(): Promise<DbCredentials> {
    let text: string | undefined;
    try {
      ({ SecretString: text } = await client.send(new GetSecretValueCommand({ SecretId: options.secretId })));
    } catch (err) {
      throw new ConfigError(`Cannot read the database ${describe}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text ?? '');
    } catch {
      throw new ConfigError(`The database ${describe} is not JSON text`);
    }
    const parsed = secretSchema.safeParse(json);
    // The issues name fields and rules, never values: the message may be logged.
    if (!parsed.success)
      throw new ConfigError(`The database ${describe} is missing fields: ${describeIssues(parsed.error)}`);
    const { username, password, host, port, dbname } = parsed.data;
    return { user: username, password, host, port, database: dbname };
  }

  const fetchAndCache = () => {
    const fetching = fetchCredentials();
    cached = fetching;
    // A failed fetch is not cached: the next connection asks again.
    fetching.catch(() => {
      if (cached === fetching) cached = undefined;
    });
    return fetching;
  };
  let refreshing: Promise<DbCredentials> | undefined;

  return {
    describe,
    current: () => cached ?? fetchAndCache(),
    refresh() {
      refreshing ??= fetchAndCache().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
  };
}

import { existsSync } from 'node:fs';
import * as z from 'zod';
import { cronSetting } from './contract/cron-setting.ts';
import type { AppModule } from './contract/app.ts';
import { describeIssues } from './validation.ts';

/**
 * The platform's settings, by topic (the order the generated docs follow). Each key's
 * `.describe()` is its documentation: `npm run apps:generate` writes it into .env.example and the
 * README. An app's own settings live in its `functions/<app>/app.ts` (see defineApp).
 */
const server = z.object({
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .describe('HTTP port; every role serves at least /healthz, /readyz and /metrics on it.'),
  HOST: z
    .string()
    .default('0.0.0.0')
    .describe('Interface to listen on; 0.0.0.0 so the server is reachable from outside a container.'),
  NODE_ENV: z
    .string()
    .default('development')
    .describe('Runtime mode; the container image sets `production`.'),
  SHUTDOWN_TIMEOUT_S: z.coerce
    .number()
    .positive()
    .default(25)
    .describe('Seconds a SIGTERM waits for in-flight requests and messages before the process gives up.'),
});

const database = z.object({
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .describe('Postgres connection string. Unset: an embedded Postgres (PGlite) keeps its data in DATA_DIR.')
    .meta({ examples: ['postgres://postgres@127.0.0.1:5432/fnstack'] }),
  DATABASE_SECRET_ID: z
    .string()
    .optional()
    .describe(
      'AWS Secrets Manager secret (name or ARN) holding the Postgres credentials as JSON (`username`, `password`, ' +
        '`host`, `port`, `dbname`); used instead of DATABASE_URL, fetched at start and again when the password is ' +
        'refused (rotation). Reads AWS_REGION; an emulator via `AWS_ENDPOINT_URL_SECRETS_MANAGER`.',
    )
    .meta({ examples: ['prod/fnstack/db'] }),
  DATA_DIR: z
    .string()
    .default('.data')
    .describe(
      'Folder of the embedded database (used only when DATABASE_URL is unset) and of the development secrets.',
    ),
});

const queue = z.object({
  QUEUE_DRIVER: z
    .enum(['memory', 'rabbitmq', 'sqs'])
    .optional()
    .describe(
      '`memory`, `rabbitmq` or `sqs`. Unset: `rabbitmq` when RABBITMQ_URL is set, else the in-process memory driver.',
    )
    .meta({ examples: ['rabbitmq'] }),
  RABBITMQ_URL: z
    .string()
    .optional()
    .describe('AMQP URL of the RabbitMQ broker.')
    .meta({ examples: ['amqp://guest:guest@127.0.0.1:5672'] }),
  QUEUE_PREFIX: z
    .string()
    .default('')
    .describe(
      'Prefix for exchange and queue names, so several deployments (or test files) can share one broker.',
    ),
  SQS_ENDPOINT: z
    .string()
    .optional()
    .describe(
      'SQS endpoint of an emulator (LocalStack, ElasticMQ, fauxqs) for QUEUE_DRIVER=sqs; unset uses the real AWS endpoint of AWS_REGION.',
    )
    .meta({ examples: ['http://127.0.0.1:4566'] }),
  S3_ENDPOINT: z
    .string()
    .url()
    .optional()
    .describe(
      "S3 endpoint of an emulator (LocalStack, fauxqs) for the apps' object stores, with path-style URLs; unset uses AWS.",
    )
    .meta({ examples: ['http://127.0.0.1:4566'] }),
  AWS_REGION: z
    .string()
    .default('us-east-1')
    .describe(
      "AWS region of the SQS queues and S3 buckets; credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, a role).",
    ),
});

const cache = z.object({
  REDIS_URL: z
    .string()
    .optional()
    .describe(
      'Redis of the cache, shared by every process. Unset: an in-memory cache per process (none on Lambda).',
    )
    .meta({ examples: ['redis://127.0.0.1:6379'] }),
  CACHE_ENABLED: z
    .stringbool()
    .default(true)
    .describe('`false` turns the cache off: every read goes to the database (benchmarks, debugging).'),
  CACHE_PREFIX: z
    .string()
    .default('fnstack:')
    .describe("Prefix of the cache's Redis keys, so deployments (or test runs) can share one Redis."),
});

const housekeeping = z.object({
  PRUNE_CRON: cronSetting('17 3 * * *').describe(
    "Cron (UTC) of the platform's clean-up of old inbox rows and finished jobs; `off` disables it.",
  ),
  INBOX_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .default(7)
    .describe(
      'Days an inbox row (a processed message id) and a sent outbox row are kept; redeliveries come within minutes, not days.',
    ),
  JOBS_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('Days a finished job (succeeded, failed, dead) stays readable at GET /jobs/:id.'),
});

const observability = z.object({
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent` (JSON logs via pino).'),
  LOG_FORMAT: z
    .enum(['auto', 'json', 'pretty'])
    .default('auto')
    .describe("The runner's log lines: `auto` (readable at a terminal, JSON otherwise), `json`, `pretty`."),
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe(
      'Bearer token Prometheus must send to scrape /metrics (`Authorization: Bearer <token>`, 16+ characters). ' +
        'Unset: /metrics is open in development and test, refused (403) in production.',
    ),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url()
    .optional()
    .describe(
      'Send OpenTelemetry traces (OTLP over HTTP) here, e.g. `http://localhost:4318` (the compose `tracing` ' +
        "profile's Jaeger). Unset: tracing is off and costs nothing (the SDK is not loaded).",
    ),
  DOCS_ENABLED: z
    .stringbool()
    .default(true)
    .describe('`false` takes the API docs (/docs) and the OpenAPI document (/openapi.json) offline.'),
});

const auth = z.object({
  JWT_SECRET: z
    .string()
    .optional()
    .describe(
      'Key that signs API bearer tokens (JWT, HS256): at least 32 bytes, e.g. `openssl rand -base64 48`. ' +
        'Required (and refused when guessable) unless NODE_ENV is development or test; there `npm start` ' +
        'makes one and keeps it in DATA_DIR/secrets.json, other processes generate one per start.',
    ),
  SESSION_SECRET: z
    .string()
    .optional()
    .describe(
      'Key for session-related signing (at least 32 bytes, different from JWT_SECRET); required and generated like JWT_SECRET.',
    ),
  JWT_TTL_S: z.coerce
    .number()
    .int()
    .min(30)
    .default(900)
    .describe('Seconds an API bearer token stays valid; short, since a token cannot be revoked before then.'),
  SESSION_IDLE_S: z.coerce
    .number()
    .int()
    .min(60)
    .default(1800)
    .describe('Seconds without a request after which a page session ends.'),
  SESSION_ABSOLUTE_S: z.coerce
    .number()
    .int()
    .min(60)
    .default(43200)
    .describe('Seconds after sign-in after which a page session ends, however active it is.'),
  LOGIN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe(
      'Failed logins for one account from one client within LOGIN_WINDOW_S before that client is refused ' +
        'for that account (429). A client gets ten times as many across accounts; an account, from anywhere, ' +
        'twice as many before it is slowed to one try per LOGIN_SLOWDOWN_S (never locked).',
    ),
  LOGIN_WINDOW_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(900)
    .describe('Seconds over which failed logins are counted, and so the longest a refusal lasts.'),
  LOGIN_SLOWDOWN_S: z.coerce
    .number()
    .int()
    .min(1)
    .max(300)
    .default(10)
    .describe('Seconds between two password checks of an account under attack from many addresses.'),
  SIGNUP_MAX_PER_CLIENT: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Sign-ups (attempts, made or not) per client within SIGNUP_WINDOW_S before 429.'),
  SIGNUP_WINDOW_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(3600)
    .describe('Seconds over which sign-ups per client are counted.'),
  ADMIN_EMAIL: z
    .email()
    .optional()
    .describe(
      'Email of the first admin, created (or an existing account promoted) at start and by `npm run migrate`; ' +
        'without ADMIN_PASSWORD it gets a generated password, printed once. Unset: admin@example.com on the ' +
        'embedded database, no admin on a shared one.',
    )
    .meta({ examples: ['admin@example.com'] }),
  ADMIN_PASSWORD: z
    .string()
    .min(8)
    .max(128)
    .optional()
    .describe(
      'Password of the first admin (8 to 128 characters; needs ADMIN_EMAIL). An existing admin keeps its ' +
        'password unless this names another, which is then set.',
    )
    .meta({ examples: ['change-me-to-something-long'] }),
});

const http = z.object({
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .describe(
      'Public origins of the app (comma-separated, e.g. `https://app.example.com`), accepted by the CSRF ' +
        "origin check besides the request's own: needed behind a proxy or API Gateway, where the app sees " +
        'an internal address.',
    ),
  TRUSTED_PROXY_HOPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe(
      "Proxies in front of the app that append the client's address to X-Forwarded-For and set " +
        'X-Forwarded-Proto (a load balancer, API Gateway: 1). The client (login throttling keys on it) is ' +
        'that many entries from the right and the forwarded scheme is believed (Secure cookies, HSTS); 0 ' +
        "ignores both headers and takes the connection's address. On Lambda, API Gateway's own view of the " +
        'caller is the peer and is not counted.',
    ),
});

/** The platform's settings by topic, in the order the docs list them. */
export const platformSettingGroups: readonly { title: string; schema: z.ZodObject }[] = [
  { title: 'Server', schema: server },
  { title: 'Database', schema: database },
  { title: 'Queue', schema: queue },
  { title: 'Cache', schema: cache },
  { title: 'Housekeeping', schema: housekeeping },
  { title: 'Observability', schema: observability },
  { title: 'Auth', schema: auth },
  { title: 'HTTP', schema: http },
];

/**
 * Every setting the platform reads, parsed once from the environment.
 * Names are shared by the runner, the container, Lambda, compose and tests.
 *
 * @example
 *   const config = loadConfig({ PORT: '9000' });
 *   config.PORT; // 9000
 */
const envSchema = z.object({
  ...server.shape,
  ...database.shape,
  ...queue.shape,
  ...cache.shape,
  ...housekeeping.shape,
  ...observability.shape,
  ...auth.shape,
  ...http.shape,
});

export type Env = z.infer<typeof envSchema>;

/** Every variable name the platform reads (for docs and config checks); apps add their own. */
export const configKeys = Object.keys(envSchema.shape) as (keyof Env)[];

/**
 * Environment variables as given. A missing and an empty value (`NAME=` in a .env file) both
 * mean unset.
 */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/**
 * The variables that are set: empty values dropped, as in a .env file with `NAME=`.
 *
 * @example
 *   presentVariables({ PORT: '', HOST: 'localhost' }); // { HOST: 'localhost' }
 */
export function presentVariables(env: EnvVars): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

export interface Config extends Env {
  queueDriver: 'memory' | 'rabbitmq' | 'sqs';
  /** True when neither DATABASE_URL nor DATABASE_SECRET_ID is set: the embedded Postgres (PGlite) in DATA_DIR is used. */
  embeddedDb: boolean;
  /**
   * The variables this config was read from (empty ones dropped). An app reads its own settings
   * from them: `gradcafe.config(ctx.config)` (see defineApp).
   */
  env: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/**
 * Parse and check the platform's settings, and those of the given apps: the runner passes every
 * app (see loadApps), so a bad app setting stops it at start as a bad platform setting does. A
 * Lambda function passes none; its app parses its own settings on first use.
 *
 * @example
 *   const config = loadConfig(process.env, await loadApps()); // throws ConfigError naming the variable
 */
export function loadConfig(env: EnvVars = process.env, apps: readonly AppModule[] = []): Config {
  const present = presentVariables(env);
  // Without zod's JIT: it compiles a parser for the object's ~60 keys on first parse, which pays
  // off for a schema parsed often; the configuration is parsed once per process (~10 ms of a
  // Lambda cold start, measured).
  const parsed = envSchema.safeParse(present, { jitless: true });
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  }
  const e = parsed.data;
  const queueDriver = e.QUEUE_DRIVER ?? (e.RABBITMQ_URL ? 'rabbitmq' : 'memory');
  if (queueDriver === 'rabbitmq' && !e.RABBITMQ_URL) {
    throw new ConfigError('QUEUE_DRIVER=rabbitmq needs RABBITMQ_URL');
  }
  assertAuthSettings(e);
  const config: Config = {
    ...e,
    queueDriver,
    embeddedDb: !e.DATABASE_URL && !e.DATABASE_SECRET_ID,
    env: present,
  };
  for (const app of apps) app.config(config);
  return config;
}

/** Modes in which unset signing secrets are generated at start instead of being an error. */
const EPHEMERAL_SECRET_ENVS = new Set(['development', 'test']);

/** Shortest accepted signing secret: HS256 wants a key at least as long as its 256-bit output. */
export const MIN_SECRET_BYTES = 32;

/**
 * True when NODE_ENV allows running without JWT_SECRET / SESSION_SECRET (a random one per start).
 *
 * @example
 *   allowsGeneratedSecrets('production'); // false
 */
export function allowsGeneratedSecrets(nodeEnv: string): boolean {
  return EPHEMERAL_SECRET_ENVS.has(nodeEnv);
}

function assertAuthSettings(e: Env): void {
  const problems: string[] = [];
  for (const name of ['JWT_SECRET', 'SESSION_SECRET'] as const) {
    const value = e[name];
    if (value === undefined) {
      if (!allowsGeneratedSecrets(e.NODE_ENV))
        problems.push(`${name} is required when NODE_ENV=${e.NODE_ENV}`);
    } else if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) {
      // A short key is a mistake in any mode: HS256 keys can be brute-forced offline from one token.
      problems.push(`${name} must be at least ${MIN_SECRET_BYTES} bytes long`);
    } else if (!allowsGeneratedSecrets(e.NODE_ENV)) {
      const weakness = secretWeakness(value);
      if (weakness) problems.push(`${name} ${weakness}`);
    }
  }
  // One key for two jobs: a session cookie signature would verify as a token signature's key.
  if (e.JWT_SECRET !== undefined && e.JWT_SECRET === e.SESSION_SECRET) {
    problems.push('JWT_SECRET and SESSION_SECRET must be different');
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `Invalid configuration: ${problems.join('; ')} ` +
        `(use a random string, e.g. the output of \`openssl rand -base64 48\`)`,
    );
  }
  // ADMIN_EMAIL alone is allowed: the runner may generate the password (and print it once).
  if (e.ADMIN_PASSWORD !== undefined && e.ADMIN_EMAIL === undefined) {
    throw new ConfigError('Invalid configuration: ADMIN_PASSWORD is set but ADMIN_EMAIL is not');
  }
}

/**
 * Why a long-enough secret is still guessable, or undefined: too few different characters
 * (`aaaa…`, `0101…`), or a short pattern repeated (`changeme changeme…`). Not an entropy meter: it
 * catches the placeholders people type, not every weak key; `openssl rand -base64 48` always passes.
 *
 * @example
 *   secretWeakness('a'.repeat(40)); // 'has fewer than 10 different characters'
 */
export function secretWeakness(secret: string): string | undefined {
  const MIN_DISTINCT = 10;
  if (new Set(secret).size < MIN_DISTINCT) return `has fewer than ${MIN_DISTINCT} different characters`;
  for (let period = 1; period <= secret.length / 3; period++) {
    if (secret.slice(period) === secret.slice(0, secret.length - period)) return 'repeats a short pattern';
  }
  return undefined;
}

/** Load `.env` from the working directory into `process.env`; variables already set win. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

import { existsSync } from 'node:fs';
import * as z from 'zod';
import { describeIssues } from './validation.ts';

/**
 * Every setting the platform reads, parsed once from the environment.
 * Names are shared by the runner, the container, Lambda, compose and tests.
 *
 * @example
 *   const config = loadConfig({ PORT: '9000' });
 *   config.port; // 9000
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  QUEUE_DRIVER: z.enum(['memory', 'rabbitmq', 'sqs']).optional(),
  RABBITMQ_URL: z.string().optional(),
  /** Prefix for exchange and queue names, so several deployments (or test files) can share one broker. */
  QUEUE_PREFIX: z.string().default(''),
  SQS_ENDPOINT: z.string().optional(),
  /** An S3-compatible endpoint (LocalStack, fauxqs) for the object store; path-style URLs when set. */
  S3_ENDPOINT: z.string().url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  REDIS_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The runner's log lines: `auto` (readable at a terminal, JSON otherwise), `json`, `pretty`. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  NODE_ENV: z.string().default('development'),
  /** Seconds a SIGTERM waits for in-flight work before giving up. */
  SHUTDOWN_TIMEOUT_S: z.coerce.number().positive().default(25),
  /** Cron (UTC) of the platform's clean-up of old inbox rows and finished jobs; `off` disables it. */
  PRUNE_CRON: z.string().default('17 3 * * *'),
  /** Days an inbox row (a processed message id) is kept; redeliveries come within minutes, not days. */
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
  /** Days a finished job (succeeded, failed, dead) stays readable at GET /jobs/:id. */
  JOBS_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /**
   * Key that signs API bearer tokens (JWT, HS256): at least 32 bytes. Required unless NODE_ENV is
   * development or test, where an unset one is generated at start (tokens then die with the process).
   */
  JWT_SECRET: z.string().optional(),
  /** Key for session-related signing (at least 32 bytes); required and generated like JWT_SECRET. */
  SESSION_SECRET: z.string().optional(),
  /** Seconds an API bearer token stays valid; short, since a token cannot be revoked before then. */
  JWT_TTL_S: z.coerce.number().int().min(30).default(900),
  /** Seconds without a request after which a page session ends. */
  SESSION_IDLE_S: z.coerce.number().int().min(60).default(1800),
  /** Seconds after login after which a page session ends however active it is. */
  SESSION_ABSOLUTE_S: z.coerce.number().int().min(60).default(43200),
  /**
   * Failed logins for one account from one client within LOGIN_WINDOW_S before that client is
   * refused for that account. A client gets ten times as many across accounts; an account, from
   * anywhere, twice as many before it is slowed to one try per LOGIN_SLOWDOWN_S (never locked).
   */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Seconds over which failed logins are counted, and so the longest a refusal lasts. */
  LOGIN_WINDOW_S: z.coerce.number().int().min(1).default(900),
  /** Seconds between two password checks of an account under attack from many addresses. */
  LOGIN_SLOWDOWN_S: z.coerce.number().int().min(1).max(300).default(10),
  /** Sign-ups (attempts, made or not) per client within SIGNUP_WINDOW_S. */
  SIGNUP_MAX_PER_CLIENT: z.coerce.number().int().min(1).default(10),
  /** Seconds over which sign-ups per client are counted. */
  SIGNUP_WINDOW_S: z.coerce.number().int().min(1).default(3600),
  /** Email of the first admin, created (or promoted) at start together with ADMIN_PASSWORD. */
  ADMIN_EMAIL: z.email().optional(),
  /** Password of the first admin, used only when the account is created or promoted (8 to 128 characters). */
  ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
  /**
   * Public origins of the app (comma-separated, e.g. `https://app.example.com`), accepted by the
   * CSRF origin check besides the request's own: needed behind a proxy or API Gateway, where the
   * app sees an internal address.
   */
  ALLOWED_ORIGINS: z.string().default(''),
  /**
   * Proxies in front of the app that append the client's address to X-Forwarded-For (a load
   * balancer, API Gateway: 1). The client is that many entries from the right; 0 ignores the
   * header (the client writes it) and takes the connection's address. Login throttling keys on it.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Bearer token Prometheus must send to scrape `/metrics` (`Authorization: Bearer <token>`). Without
   * one, `/metrics` is open in development and test and refused (403) in production.
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** `false` takes the API docs (`/docs`) and the OpenAPI document (`/openapi.json`) offline. */
  DOCS_ENABLED: z.stringbool().default(true),
  /** `false` turns the cache off: every read goes to the database (benchmarks, debugging). */
  CACHE_ENABLED: z.stringbool().default(true),
  /** Prefix of the cache's Redis keys, so deployments (or test runs) can share one Redis. */
  CACHE_PREFIX: z.string().default('fnstack:'),
  /**
   * Attempts of a Notes report job before it is dead-lettered. Read when the task module loads
   * (functions/notes/lib/settings.ts, which validates it the same way); listed here for the docs.
   */
  NOTES_REPORT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Delay before a report job's second attempt (ms), doubling up to a minute. */
  NOTES_REPORT_RETRY_BASE_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  GRADCAFE_SOURCE_URL: z.string().url().optional(),
  /**
   * Serve the GradCafe feed emulator (`/gradcafe/feed/*`). Default: only when GRADCAFE_SOURCE_URL is
   * unset (the emulator is the source); set `true` where the source URL points at this deployment's
   * own emulator (docker-compose), `false` to never serve it.
   */
  GRADCAFE_FEED_EMULATOR: z.stringbool().optional(),
  /** Cron (UTC) for the scheduled GradCafe pull; `off` disables it. */
  GRADCAFE_PULL_CRON: z.string().default('*/15 * * * *'),
  /** Seconds between two entries released by the bundled feed emulator (0 = only on demand). */
  GRADCAFE_EMULATOR_RELEASE_S: z.coerce.number().min(0).default(30),
  /** Folder whose new .csv files the daily import picks up (default <DATA_DIR>/imports/inbox). */
  IMPORTS_INBOX_DIR: z.string().optional(),
  /** S3 bucket (containers, Lambda): files kept under files/, new files under inbox/ picked up too. */
  IMPORTS_BUCKET: z.string().min(3).optional(),
  /** Largest upload, in bytes (512 MiB). */
  IMPORTS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(512 * 1024 * 1024),
  /** Cron (UTC) of the daily import; `off` disables it. */
  IMPORTS_CRON: z.string().default('0 5 * * *'),
  /** Seconds a running import's claim lasts without renewal; a crashed import is taken over after it. */
  IMPORTS_LEASE_S: z.coerce.number().int().min(2).max(3600).default(60),
});

export type Env = z.infer<typeof envSchema>;

/** Every variable name the platform reads (for docs and config checks). */
export const configKeys = Object.keys(envSchema.shape) as (keyof Env)[];

export interface Config extends Env {
  queueDriver: 'memory' | 'rabbitmq' | 'sqs';
  /** True when no DATABASE_URL is set: the embedded Postgres (PGlite) in DATA_DIR is used. */
  embeddedDb: boolean;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as in a .env file with `NAME=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  }
  const e = parsed.data;
  const queueDriver = e.QUEUE_DRIVER ?? (e.RABBITMQ_URL ? 'rabbitmq' : 'memory');
  if (queueDriver === 'rabbitmq' && !e.RABBITMQ_URL) {
    throw new ConfigError('QUEUE_DRIVER=rabbitmq needs RABBITMQ_URL');
  }
  assertAuthSettings(e);
  return { ...e, queueDriver, embeddedDb: !e.DATABASE_URL };
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

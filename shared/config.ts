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
  AWS_REGION: z.string().default('us-east-1'),
  REDIS_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  /** Seconds a SIGTERM waits for in-flight work before giving up. */
  SHUTDOWN_TIMEOUT_S: z.coerce.number().positive().default(25),
  /** Cron (UTC) of the platform's clean-up of old inbox rows and finished jobs; `off` disables it. */
  PRUNE_CRON: z.string().default('17 3 * * *'),
  /** Days an inbox row (a processed message id) is kept; redeliveries come within minutes, not days. */
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
  /** Days a finished job (succeeded, failed, dead) stays readable at GET /jobs/:id. */
  JOBS_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  GRADCAFE_SOURCE_URL: z.string().url().optional(),
  /** Cron (UTC) for the scheduled GradCafe pull; `off` disables it. */
  GRADCAFE_PULL_CRON: z.string().default('*/15 * * * *'),
  /** Seconds between two entries released by the bundled feed emulator (0 = only on demand). */
  GRADCAFE_EMULATOR_RELEASE_S: z.coerce.number().min(0).default(30),
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
  return { ...e, queueDriver, embeddedDb: !e.DATABASE_URL };
}

/** Load `.env` from the working directory into `process.env`; variables already set win. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

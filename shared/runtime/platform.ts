import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/port.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import type { QueueDriver } from '../queue/port.ts';
import { createAuthServices, type AuthServices } from '../auth/services.ts';
import { createCache, type Cache } from '../cache/index.ts';
import { createContexts, type ContextFactories } from './contexts.ts';
import { queueName, type Manifest } from './manifest.ts';
import { summarizeDeployment } from './deployment-summary.ts';

/**
 * The parts a runner process is made of, wired once, and the `ctx` factories built from them.
 * The runner and tests assemble a Platform; a Lambda bundle builds only the ctx factories
 * (shared/lambda/runtime.ts), because it must not carry the whole manifest.
 */
export interface Platform extends ContextFactories {
  config: Config;
  log: Logger;
  db: Db;
  driver: QueueDriver;
  metrics: Metrics;
  manifest: Manifest;
  cache: Cache;
  auth: AuthServices;
}

export interface PlatformParts {
  config: Config;
  log: Logger;
  db: Db;
  driver: QueueDriver;
  manifest: Manifest;
  metrics?: Metrics;
  /** Default: from the config (Redis with REDIS_URL, else in memory). */
  cache?: Cache;
  /** Default: from the config and the database. */
  auth?: AuthServices;
}

export function createPlatform(parts: PlatformParts): Platform {
  const { config, db, log } = parts;
  const metrics = parts.metrics ?? createMetrics();
  const cache =
    parts.cache ??
    createCache({
      ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
      prefix: config.CACHE_PREFIX,
      enabled: config.CACHE_ENABLED,
      metrics,
      log,
    });
  const auth = parts.auth ?? createAuthServices({ db, config });
  const queueNames = parts.manifest.tasks.map(queueName);
  const deployment = summarizeDeployment(parts.manifest, config);
  const contexts = createContexts({ ...parts, metrics, cache, auth, queueNames, deployment });
  return { ...parts, metrics, cache, auth, ...contexts };
}

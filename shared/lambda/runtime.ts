import { outboxRelayFor, type OutboxRelay } from '../outbox/index.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createServerDb } from '../db/server.ts';
import type { Db } from '../db/port.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { lambdaMetrics } from './metrics.ts';
import type { QueueDriver } from '../queue/port.ts';
import { createAuthServices, type AuthServices } from '../auth/services.ts';
import { createCache } from '../cache/index.ts';
import { lazy } from '../lazy.ts';
import { lazyDriver } from '../queue/lazy.ts';
import { createContexts, type ContextFactories } from '../runtime/contexts.ts';
import { invocationFields } from './invocation.ts';
import { startTracing } from '../observability/tracing-sdk.ts';
import type { LambdaDeployment } from './types.ts';

/**
 * What one Lambda execution environment (a "container") keeps between invocations: config,
 * logger, a small pg pool, the SQS driver and the ctx factories. Built on the first invocation
 * (not at import, so a bad setting is reported by an invocation, with its request id), then
 * reused while the container stays warm. Nothing request-scoped lives here: each invocation
 * gets its own child logger and correlation id.
 */
export interface LambdaRuntime extends ContextFactories {
  auth: AuthServices;
  config: Config;
  log: Logger;
  db: Db;
  driver: QueueDriver;
  metrics: Metrics;
  /** Sends what the invocation's committed transactions wrote to the outbox (no relay runs here). */
  outbox: OutboxRelay;
}

export interface RuntimeOptions {
  /** Function id, on every log line. */
  functionId: string;
  deployment: LambdaDeployment;
  /** pg pool size: a container runs one invocation at a time, so 1–2, or a task's concurrency. */
  poolSize: number;
}

/** A lazily built runtime, shared by the invocations of one handler; rebuilt if building failed. */
export function lazyRuntime(options: RuntimeOptions): () => Promise<LambdaRuntime> {
  return lazy(() => createRuntime(options));
}

async function createRuntime(options: RuntimeOptions): Promise<LambdaRuntime> {
  const config = lambdaConfig();
  // Spans go out at the end of each invocation (invocationScope flushes them).
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT)
    await startTracing({ serviceName: `fnstack-${options.functionId}` });
  const log = createLogger(config.LOG_LEVEL, { mixin: invocationFields }).child({
    function: options.functionId,
  });
  const db = (await createServerDb(config, {
    max: options.poolSize,
    applicationName: `fnstack-lambda-${options.functionId}`,
    log,
    // Nearly every first invocation queries (a bearer token's user at least).
    connectAhead: true,
  }))!;
  // Loaded on first use (see lazyDriver): most HTTP functions never touch the queue.
  const driver = lazyDriver('sqs', async () => {
    const { createSqsDriver } = await import('../queue/sqs/index.ts');
    const sqs = createSqsDriver({
      region: config.AWS_REGION,
      prefix: config.QUEUE_PREFIX,
      log,
      // The template creates the queues (with its own visibility timeout and receive count).
      createQueues: false,
      ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
    });
    await sqs.declare(options.deployment.topology);
    return sqs;
  });
  const metrics = lambdaMetrics;
  const queueNames = options.deployment.topology.queues.map((q) => q.name);
  // Every function is its own container: an in-memory cache would serve one function's stale
  // entries after another function's write. So on Lambda the cache is Redis or nothing.
  const cache = createCache({
    ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
    prefix: config.CACHE_PREFIX,
    enabled: config.CACHE_ENABLED && config.REDIS_URL !== undefined,
    metrics,
    log,
  });
  const auth = createAuthServices({ db, config });
  const deployment = options.deployment.summary;
  const contexts = createContexts({ config, db, driver, metrics, queueNames, cache, auth, deployment });
  const outbox = outboxRelayFor({ db, driver, log, metrics });
  return { config, log, db, driver, metrics, auth, outbox, ...contexts };
}

/** The platform config, plus what only Lambda insists on: a real Postgres and SQS. */
function lambdaConfig(): Config {
  const config = loadConfig();
  if (config.embeddedDb) {
    throw new ConfigError(
      'DATABASE_URL or DATABASE_SECRET_ID is required on Lambda (the embedded database lives in one process)',
    );
  }
  if (config.QUEUE_DRIVER && config.QUEUE_DRIVER !== 'sqs') {
    throw new ConfigError(`QUEUE_DRIVER=${config.QUEUE_DRIVER} is not available on Lambda: use sqs`);
  }
  return { ...config, queueDriver: 'sqs' };
}

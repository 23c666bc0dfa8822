import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/port.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import type { QueueDriver } from '../queue/port.ts';
import { createContexts, type ContextFactories } from './contexts.ts';
import { queueName, type Manifest } from './manifest.ts';

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
}

export interface PlatformParts {
  config: Config;
  log: Logger;
  db: Db;
  driver: QueueDriver;
  manifest: Manifest;
  metrics?: Metrics;
}

export function createPlatform(parts: PlatformParts): Platform {
  const metrics = parts.metrics ?? createMetrics();
  const contexts = createContexts({ ...parts, metrics, queueNames: parts.manifest.tasks.map(queueName) });
  return { ...parts, metrics, ...contexts };
}

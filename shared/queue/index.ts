import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createMemoryDriver } from './memory.ts';
import type { QueueDriver } from './port.ts';
import { createRabbitMqDriver } from './rabbitmq/index.ts';
import { createSqsDriver } from './sqs/index.ts';

/** Pick the queue driver the configuration names (QUEUE_DRIVER, defaulting by RABBITMQ_URL). */
export function createQueueDriver(config: Config, log: Logger): QueueDriver {
  switch (config.queueDriver) {
    case 'memory':
      return createMemoryDriver({ log });
    case 'rabbitmq':
      return createRabbitMqDriver({ url: config.RABBITMQ_URL!, prefix: config.QUEUE_PREFIX, log });
    case 'sqs':
      // Credentials come from the SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, a role).
      return createSqsDriver({
        region: config.AWS_REGION,
        prefix: config.QUEUE_PREFIX,
        log,
        ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
      });
  }
}

/** What the start banner says about a driver. */
export function describeDriver(config: Config): string {
  switch (config.queueDriver) {
    case 'memory':
      return 'memory (in-process; queued, delayed and dead-lettered messages are lost when the process stops)';
    case 'rabbitmq':
      return `rabbitmq ${redact(config.RABBITMQ_URL!)}`;
    case 'sqs':
      return `sqs ${config.SQS_ENDPOINT ?? `AWS ${config.AWS_REGION}`}${config.QUEUE_PREFIX ? ` (prefix ${config.QUEUE_PREFIX})` : ''}`;
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

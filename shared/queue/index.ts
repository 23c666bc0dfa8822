import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createMemoryDriver } from './memory.ts';
import type { QueueDriver } from './port.ts';
import { createRabbitMqDriver } from './rabbitmq/index.ts';

/** Pick the queue driver the configuration names (QUEUE_DRIVER, defaulting by RABBITMQ_URL). */
export function createQueueDriver(config: Config, log: Logger): QueueDriver {
  switch (config.queueDriver) {
    case 'memory':
      return createMemoryDriver({ log });
    case 'rabbitmq':
      return createRabbitMqDriver({ url: config.RABBITMQ_URL!, prefix: config.QUEUE_PREFIX, log });
    case 'sqs':
      throw new Error('QUEUE_DRIVER=sqs is not available yet; use rabbitmq or memory');
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
      return `sqs ${config.SQS_ENDPOINT ?? config.AWS_REGION}`;
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

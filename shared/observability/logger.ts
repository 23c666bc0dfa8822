import { pino, type Logger } from 'pino';

/**
 * JSON logs (pino). Every log line of a request or a message carries `correlationId`, so one
 * id follows a job from the HTTP call through the envelope into the task's logs.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  options: { mixin?: () => object } = {},
): Logger {
  return pino({
    level,
    ...(options.mixin ? { mixin: options.mixin } : {}),
    base: { service: 'fnstack' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

export type { Logger };

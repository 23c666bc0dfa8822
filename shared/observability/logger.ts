import { pino, type DestinationStream, type Logger } from 'pino';
import { traceFields } from './tracing.ts';

/**
 * JSON logs (pino). Every log line of a request or a message carries `correlationId`, so one
 * id follows a job from the HTTP call through the envelope into the task's logs.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  options: {
    /** Fields for every line, asked for at each line; must return a new object each time (pino merges into it). */
    mixin?: () => object;
    /** Where lines go; default stdout. */
    destination?: DestinationStream;
  } = {},
): Logger {
  return pino(
    {
      level,
      // The active trace's ids on every line when tracing is on, so a line leads to its trace.
      mixin: options.mixin ? () => ({ ...traceFields(), ...options.mixin!() }) : traceFields,
      base: { service: 'fnstack' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}

export type { Logger };

/**
 * Size of a function's own Lambda (the SAM template reads it); an unset field takes the trigger's
 * default (DEFAULT_LAMBDA_SIZES). The same shape on every kind of function.
 *
 * @example
 *   defineTask({ consumes: 'scrape_new_data', payload, lambda: { memoryMb: 1024, timeoutSeconds: 300 }, handler });
 */
export interface LambdaOptions {
  /** 128..10240 MB, whole megabytes. */
  memoryMb?: number;
  /** Whole seconds: at most 30 for an HTTP function, 900 for a task or a schedule. */
  timeoutSeconds?: number;
}

/** A Lambda's size once the defaults are filled in. */
export type LambdaSize = Required<LambdaOptions>;

export type LambdaTrigger = 'http' | 'task' | 'schedule';

/**
 * Defaults by trigger. HTTP stops at 29 s because API Gateway's HTTP API gives up on an
 * integration after 30 s: a longer Lambda would keep running (and billing) after the client got
 * its 503. A task's queue waits six times its timeout before redelivering (see TaskOptions.lambda).
 */
export const DEFAULT_LAMBDA_SIZES: Readonly<Record<LambdaTrigger, LambdaSize>> = {
  http: { memoryMb: 512, timeoutSeconds: 29 },
  task: { memoryMb: 512, timeoutSeconds: 60 },
  schedule: { memoryMb: 256, timeoutSeconds: 30 },
};

/** Lambda's own memory limits. */
export const LAMBDA_MEMORY_MB = { min: 128, max: 10_240 } as const;

/** Lambda's 15-minute limit, and HTTP API's 30-second integration timeout for HTTP functions. */
export const MAX_TIMEOUT_SECONDS: Readonly<Record<LambdaTrigger, number>> = {
  http: 30,
  task: 900,
  schedule: 900,
};

/**
 * The size a function of `trigger` gets from `options`, or a TypeError naming `owner` (the
 * function, as its definition or file) when a value is outside what Lambda accepts. The define
 * functions call it so that a bad size fails when the module loads, not at deploy time.
 *
 * @example
 *   lambdaSize('task', { timeoutSeconds: 120 }, 'defineTask scrape_new_data'); // { memoryMb: 512, timeoutSeconds: 120 }
 *   lambdaSize('http', { timeoutSeconds: 60 }, 'defineHttp GET /x'); // throws: ... in 1..30 ...
 */
export function lambdaSize(
  trigger: LambdaTrigger,
  options: LambdaOptions | undefined,
  owner: string,
): LambdaSize {
  const defaults = DEFAULT_LAMBDA_SIZES[trigger];
  const memoryMb = options?.memoryMb ?? defaults.memoryMb;
  const timeoutSeconds = options?.timeoutSeconds ?? defaults.timeoutSeconds;
  const memory = LAMBDA_MEMORY_MB;
  if (!Number.isInteger(memoryMb) || memoryMb < memory.min || memoryMb > memory.max) {
    throw new TypeError(
      `${owner}: lambda.memoryMb must be an integer in ${memory.min}..${memory.max}, got ${memoryMb}`,
    );
  }
  const maxTimeout = MAX_TIMEOUT_SECONDS[trigger];
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > maxTimeout) {
    throw new TypeError(
      `${owner}: lambda.timeoutSeconds must be an integer in 1..${maxTimeout} for ` +
        `${trigger === 'http' ? 'an HTTP' : `a ${trigger}`} function, got ${timeoutSeconds}`,
    );
  }
  return { memoryMb, timeoutSeconds };
}

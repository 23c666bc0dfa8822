import type { z } from 'zod';
import type { RetryPolicy } from '../queue/port.ts';
import type { TaskCtx } from './context.ts';
import { lambdaSize, type LambdaOptions } from './lambda.ts';

export interface TaskDefinition<S extends z.ZodType = z.ZodType, R = unknown> {
  type: 'task';
  /** Message kind(s) this function consumes; its queue is bound to each. */
  consumes: string[];
  payload: S;
  /** Messages handled at once by one worker process (prefetch). */
  concurrency: number;
  retry: RetryPolicy;
  /** Messages that arrive together share one transaction (see TaskOptions.batch). */
  batch?: BatchPolicy;
  /** Size of this function's Lambda (see TaskOptions.lambda). */
  lambda?: LambdaOptions;
  /**
   * Runs inside a DB transaction (`ctx.db`) that also records the message id in the inbox,
   * so a redelivered message never repeats its effects. Throw to roll back and retry.
   * The returned value is stored as the job's result summary.
   */
  handler: (payload: z.infer<S>, ctx: TaskCtx) => Promise<R>;
}

export interface BatchPolicy {
  /** Most messages in one transaction (default: the concurrency). */
  maxSize: number;
  /** Batches (transactions) at once (default 4). */
  parallel: number;
}

export interface TaskOptions<S extends z.ZodType, R> {
  consumes: string | string[];
  payload: S;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Run messages that arrive together in one transaction: one inbox statement and one commit
   * for many messages instead of a transaction each. If one message fails, the batch rolls back
   * and each of its messages runs again alone, so a failing message still fails alone (and the
   * others' handlers run twice, their effects committed once). For short database work: a slow
   * handler (a network call) would hold up its whole batch, so leave those unbatched.
   */
  batch?: boolean | Partial<BatchPolicy>;
  /**
   * Size of this function's Lambda (the SAM template reads it). Defaults: 512 MB, 60 s. The
   * function's SQS queue gets six times the timeout as its visibility timeout (AWS's advice for
   * a queue that feeds a Lambda), so a longer timeout also delays redeliveries.
   */
  lambda?: LambdaOptions;
  handler: (payload: z.infer<S>, ctx: TaskCtx) => Promise<R>;
}

export const DEFAULT_TASK_CONCURRENCY = 4;
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * Declare a task function. The options are checked here, so a mistake fails when the module
 * loads with a TypeError naming the task by the kinds it consumes.
 *
 * @example
 *   export default defineTask({
 *     consumes: 'send_welcome',
 *     payload: z.object({ userId: z.string() }),
 *     retry: { attempts: 3 },
 *     handler: async ({ userId }, ctx) => { await ctx.db.query('...', [userId]); },
 *   });
 */
export function defineTask<S extends z.ZodType, R>(options: TaskOptions<S, R>): TaskDefinition<S, R> {
  const consumes = Array.isArray(options.consumes) ? options.consumes : [options.consumes];
  if (consumes.length === 0) throw new TypeError('defineTask: consumes needs at least one kind');
  const owner = `defineTask ${consumes.join(', ')}`;
  const concurrency = options.concurrency ?? DEFAULT_TASK_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`${owner}: concurrency must be a positive integer, got ${concurrency}`);
  }
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new TypeError(`${owner}: retry.attempts must be a positive integer, got ${retry.attempts}`);
  }
  const batch = options.batch
    ? { maxSize: concurrency, parallel: 4, ...(options.batch === true ? {} : options.batch) }
    : undefined;
  if (
    batch &&
    !(
      Number.isInteger(batch.maxSize) &&
      batch.maxSize >= 1 &&
      Number.isInteger(batch.parallel) &&
      batch.parallel >= 1
    )
  ) {
    throw new TypeError(`${owner}: batch.maxSize and batch.parallel must be positive integers`);
  }
  lambdaSize('task', options.lambda, owner);
  return {
    type: 'task',
    consumes,
    payload: options.payload,
    concurrency,
    retry,
    ...(batch ? { batch } : {}),
    ...(options.lambda ? { lambda: options.lambda } : {}),
    handler: options.handler,
  };
}

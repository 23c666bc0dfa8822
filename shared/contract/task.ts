import type { z } from 'zod';
import type { RetryPolicy } from '../queue/port.ts';
import type { TaskCtx } from './context.ts';

export interface TaskDefinition<S extends z.ZodType = z.ZodType, R = unknown> {
  type: 'task';
  /** Message kind(s) this function consumes; its queue is bound to each. */
  consumes: string[];
  payload: S;
  /** Messages handled at once by one worker process (prefetch). */
  concurrency: number;
  retry: RetryPolicy;
  /**
   * Runs inside a DB transaction (`ctx.db`) that also records the message id in the inbox,
   * so a redelivered message never repeats its effects. Throw to roll back and retry.
   * The returned value is stored as the job's result summary.
   */
  handler: (payload: z.infer<S>, ctx: TaskCtx) => Promise<R>;
}

export interface TaskOptions<S extends z.ZodType, R> {
  consumes: string | string[];
  payload: S;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  handler: (payload: z.infer<S>, ctx: TaskCtx) => Promise<R>;
}

export const DEFAULT_TASK_CONCURRENCY = 4;
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * Declare a task function.
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
  const concurrency = options.concurrency ?? DEFAULT_TASK_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`defineTask: concurrency must be a positive integer, got ${concurrency}`);
  }
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new TypeError(`defineTask: retry.attempts must be a positive integer, got ${retry.attempts}`);
  }
  return { type: 'task', consumes, payload: options.payload, concurrency, retry, handler: options.handler };
}

import type { z } from 'zod';
import type { RetryPolicy } from '../queue/port.ts';
import type { Db, Tx } from '../db/port.ts';
import type { TaskCtx } from './context.ts';
import { lambdaSize, type LambdaOptions } from './lambda.ts';

/**
 * The ctx of a task that manages its own transactions (`ownTransactions: true`): `db` is the
 * database itself, so the handler can commit its work in steps.
 */
export interface OwnTransactionsTaskCtx extends Omit<TaskCtx, 'db'> {
  db: Db;
  /**
   * The handler's last step, in the transaction that also records the message in the inbox and
   * the job's result (the value `last` returns; the handler returns it too): the last write and
   * "done" commit together, so a crash can no longer fall between them. Call it once, at the end.
   * Without it, the inbox row and the result are written in a transaction of their own once the
   * handler returns.
   *
   * @example
   *   handler: async (payload, ctx) => {
   *     for (const page of pages) await ctx.db.transaction((tx) => write(tx, page));
   *     return ctx.finish(async (tx) => markDone(tx));
   *   }
   */
  finish<R>(last: (tx: Tx) => Promise<R>): Promise<R>;
}

/**
 * How the handler meets the database:
 * - by default it runs inside one transaction (`ctx.db` is a Tx) that also records the message
 *   id in the inbox, so a redelivered message never repeats its effects. Throw to roll back and retry.
 * - `ownTransactions: true` is for long work that must commit in steps (a million-row import
 *   that shows its progress and must not hold the embedded database's one connection for
 *   minutes): `ctx.db` is the database, and the inbox row is written with the handler's last step
 *   (`ctx.finish`), or once the handler returns.
 *   A crash before that redelivers the message, so the handler must finish or redo its own
 *   partial work when it runs again (a cursor, a status column, a lease).
 * The returned value is stored as the job's result summary.
 */
export type TaskHandling<S extends z.ZodType, R> = InTransaction<S, R> | OwnTransactions<S, R>;

// Method syntax on purpose: a definition for a specific payload must still be usable where any
// TaskDefinition is expected (the manifest, the processor), as it was with an interface.
interface InTransaction<S extends z.ZodType, R> {
  ownTransactions?: false;
  handler(payload: z.infer<S>, ctx: TaskCtx): Promise<R>;
}

interface OwnTransactions<S extends z.ZodType, R> {
  ownTransactions: true;
  handler(payload: z.infer<S>, ctx: OwnTransactionsTaskCtx): Promise<R>;
}

export type TaskDefinition<S extends z.ZodType = z.ZodType, R = unknown> = TaskDefinitionBase<S> &
  TaskHandling<S, R>;

interface TaskDefinitionBase<S extends z.ZodType> {
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
}

export interface BatchPolicy {
  /** Most messages in one transaction (default: the concurrency). */
  maxSize: number;
  /** Batches (transactions) at once (default 4). */
  parallel: number;
}

export type TaskOptions<S extends z.ZodType, R> = TaskOptionsBase<S> & TaskHandling<S, R>;

interface TaskOptionsBase<S extends z.ZodType> {
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
export function defineTask<S extends z.ZodType, R>(
  options: TaskOptionsBase<S> & OwnTransactions<S, R>,
): TaskDefinitionBase<S> & OwnTransactions<S, R>;
export function defineTask<S extends z.ZodType, R>(
  options: TaskOptionsBase<S> & InTransaction<S, R>,
): TaskDefinitionBase<S> & InTransaction<S, R>;
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
  if (batch && options.ownTransactions) {
    throw new TypeError(
      `${owner}: a task with ownTransactions cannot be batched (a batch shares one transaction)`,
    );
  }
  lambdaSize('task', options.lambda, owner);
  const base = {
    type: 'task' as const,
    consumes,
    payload: options.payload,
    concurrency,
    retry,
    ...(batch ? { batch } : {}),
    ...(options.lambda ? { lambda: options.lambda } : {}),
  };
  return options.ownTransactions
    ? { ...base, ownTransactions: true, handler: options.handler }
    : { ...base, handler: options.handler };
}

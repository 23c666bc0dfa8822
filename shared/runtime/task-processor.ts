import { context, type Context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { TaskCtx } from '../contract/context.ts';
import type { TaskCtxOn } from './contexts.ts';
import type { TaskDefinition } from '../contract/task.ts';
import type { Db, Tx } from '../db/port.ts';
import type { Metrics } from '../observability/metrics.ts';
import { parseEnvelope, type Envelope } from '../queue/envelope.ts';
import { retryDelayMs, type Delivery, type DeliveryHandler, type Outcome } from '../queue/port.ts';
import { contextFrom, inSpan, SpanKind, SpanStatusCode } from '../observability/tracing.ts';
import { describeIssues } from '../validation.ts';
import { createBatcher } from './batcher.ts';
import { startAttempt, type AttemptStory } from './job-story.ts';
import { jobState, type AttemptRecord, type NewJob } from './jobs.ts';

/**
 * The transport-free consumer core: turns deliveries into outcomes (ack, retry later,
 * dead-letter). Every driver runs the same core, so every broker behaves the same.
 *
 * - An unparseable body, an unknown kind or an invalid payload is dead-lettered at once:
 *   retrying cannot fix it, and it must not block the queue.
 * - The handler's writes and the inbox row commit in one transaction; a redelivered message
 *   whose id is already in the inbox is acknowledged without running the handler again.
 * - A thrown error rolls back and asks for a retry with backoff until the last attempt,
 *   then for the dead-letter queue with the error.
 * - With `definition.batch`, messages that arrive together share one transaction: one inbox
 *   statement and one commit for many messages (see runBatch for what a failure does).
 * - A job's attempt is recorded on its row with the state it ends in: start, end, error, the
 *   delay before the next attempt, and the lines its handler logged (shared/runtime/job-story.ts).
 *   A job an operator cancelled is acknowledged without running.
 */
export interface TaskProcessorOptions {
  queue: string;
  /** Function id for logs and metrics, e.g. `gradcafe-scrape-new-data`. */
  functionId: string;
  definition: TaskDefinition;
  db: Db;
  metrics: Metrics;
  log: Logger;
  /** Build the handler's ctx around its transaction (or the database, for ownTransactions). */
  makeCtx: <D extends Tx | Db>(db: D, message: TaskCtx['message'], log: Logger) => TaskCtxOn<D>;
  random?: () => number;
}

/** A delivery that passed validation and is ready to run. */
interface Prepared {
  envelope: Envelope;
  payload: unknown;
  job: NewJob | undefined;
  log: Logger;
  /** The attempt's timeline entry and log lines, kept for jobs (a job page tells them). */
  story?: AttemptStory;
  /** The attempt's span: its handler runs in it, even inside a batch another message started. */
  trace?: Context;
}

type RunResult = { ok: true; value: unknown } | { ok: true; duplicate: true } | { ok: false; error: unknown };

export function createTaskProcessor(options: TaskProcessorOptions): DeliveryHandler {
  const { queue, functionId, definition, db, metrics, log } = options;
  const { retry } = definition;

  function deadLetter(error: string, envelope?: Envelope): Outcome {
    metrics.deadLettered.inc({ kind: envelope?.kind ?? 'unknown', queue });
    return envelope ? { type: 'dead', error, envelope } : { type: 'dead', error };
  }

  /**
   * Job rows are bookkeeping: a failed update is logged and never changes what happens to the
   * message (the update's answer is then `otherwise`).
   */
  async function recordJob<T = void>(
    prepared: Prepared,
    update: (job: NewJob) => Promise<T>,
    otherwise?: T,
  ): Promise<T | undefined> {
    const { job } = prepared;
    if (!job) return otherwise;
    return update(job).catch((err: unknown) => {
      prepared.log.warn({ err, jobId: job.id }, 'could not update job state');
      return otherwise;
    });
  }

  /** Parse and validate; an outcome means the message can never run and is dead-lettered now. */
  async function prepare(delivery: Delivery): Promise<Prepared | Outcome> {
    const parsed = parseEnvelope(delivery.body);
    if (!parsed.ok) {
      log.warn({ queue, reason: parsed.reason }, 'malformed message dead-lettered');
      return deadLetter(parsed.reason);
    }
    const envelope = {
      ...parsed.envelope,
      attempt: parsed.envelope.attempt + (delivery.receiveCount ?? 1) - 1,
    };
    const { id, kind, attempt, correlationId, jobId } = envelope;
    const prepared: Prepared = {
      envelope,
      payload: undefined,
      job: jobId ? { id: jobId, kind, payload: envelope.payload, correlationId } : undefined,
      log: log.child({ correlationId, messageId: id, kind, attempt, function: functionId }),
    };
    let error: string | undefined;
    if (!definition.consumes.includes(kind)) {
      error = `unknown kind '${kind}' for queue ${queue}`;
    } else {
      const payload = definition.payload.safeParse(envelope.payload);
      if (payload.success) prepared.payload = payload.data;
      else error = `invalid payload: ${describeIssues(payload.error)}`;
    }
    if (error !== undefined) {
      prepared.log.warn({ error }, 'message dead-lettered: it cannot succeed on any attempt');
      const story = { event: startAttempt(prepared.log, attempt).ended('dead', { error }), lines: [] };
      await recordJob(prepared, (j) => jobState.dead(db, j, attempt, error, story));
      return deadLetter(error, envelope);
    }
    const state = await recordJob(prepared, (j) => jobState.running(db, j, attempt), 'run');
    if (state === 'cancelled') {
      prepared.log.info('the job was cancelled by an operator; acknowledged without running');
      return { type: 'ack' };
    }
    if (prepared.job) prepared.story = startAttempt(prepared.log, attempt);
    return prepared;
  }

  /** How the attempt ended, with its log lines, for the job row (nothing for a message without a job). */
  function told(
    { story }: Prepared,
    outcome: 'succeeded' | 'failed' | 'dead',
    details?: { error?: string; retryInMs?: number },
  ): AttemptRecord | undefined {
    return story && { event: story.ended(outcome, details), lines: story.lines };
  }

  /** The handler's logger: the attempt's, which keeps a copy of each line for the job page. */
  const handlerLog = (prepared: Prepared) => prepared.story?.log ?? prepared.log;

  function messageOf({ envelope, job }: Prepared): TaskCtx['message'] {
    const { id, kind, attempt, correlationId } = envelope;
    return {
      id,
      kind,
      attempt,
      maxAttempts: retry.attempts,
      correlationId,
      ...(job ? { jobId: job.id } : {}),
    };
  }

  /** Run the handler and record the job's result, in `tx`. */
  async function execute(tx: Tx, prepared: Prepared): Promise<RunResult> {
    if (definition.ownTransactions)
      throw new Error('an ownTransactions task never runs inside a transaction');
    // A batch that failed runs its messages again alone: their lines start over.
    prepared.story?.restart();
    const ctx = options.makeCtx(tx, messageOf(prepared), handlerLog(prepared));
    const value = await inTraceOf(prepared, () => definition.handler(prepared.payload, ctx));
    if (prepared.job) {
      await jobState.succeeded(
        tx,
        prepared.job,
        prepared.envelope.attempt,
        value,
        told(prepared, 'succeeded'),
      );
    }
    return { ok: true, value };
  }

  /**
   * An ownTransactions task: the handler gets the database and commits its own steps; the inbox
   * row and the job's result commit together, with its last step when it calls `ctx.finish`, or
   * on their own once it returns. A crash before that runs it again, which is why such a handler
   * must finish or redo its own partial work.
   */
  async function runOwn(prepared: Prepared): Promise<RunResult> {
    if (!definition.ownTransactions) throw new Error('runOwn is for ownTransactions tasks');
    const { id, kind, attempt } = prepared.envelope;
    /** Record "done" in `tx`; false when another delivery of the message already did. */
    const done = async (tx: Tx, value: unknown): Promise<boolean> => {
      const inserted = await tx.query(
        `insert into inbox (message_id, queue, kind) values ($1, $2, $3) on conflict do nothing`,
        [id, queue, kind],
      );
      if (inserted.rowCount === 0) return false;
      if (prepared.job)
        await jobState.succeeded(tx, prepared.job, attempt, value, told(prepared, 'succeeded'));
      return true;
    };
    let finished = false;
    const finish = <R>(last: (tx: Tx) => Promise<R>): Promise<R> =>
      db.transaction(async (tx) => {
        if (finished) throw new Error('ctx.finish was called twice');
        const value = await last(tx);
        if (!(await done(tx, value))) throw new AlreadyDone();
        finished = true;
        return value;
      });
    try {
      const seen = await db.query(`select 1 from inbox where message_id = $1`, [id]);
      if (seen.rowCount > 0) return { ok: true, duplicate: true };
      const ctx = Object.assign(options.makeCtx(db, messageOf(prepared), handlerLog(prepared)), { finish });
      const value = await inTraceOf(prepared, () => definition.handler(prepared.payload, ctx));
      if (finished) return { ok: true, value };
      return await db.transaction(async (tx) =>
        (await done(tx, value))
          ? { ok: true as const, value }
          : { ok: true as const, duplicate: true as const },
      );
    } catch (error) {
      if (error instanceof AlreadyDone) return { ok: true, duplicate: true };
      return { ok: false, error };
    }
  }

  /** The inbox row, then the handler, all in `tx`; a message already in the inbox is not run again. */
  async function runIn(tx: Tx, prepared: Prepared): Promise<RunResult> {
    const { id, kind } = prepared.envelope;
    const inserted = await tx.query(
      `insert into inbox (message_id, queue, kind) values ($1, $2, $3) on conflict do nothing`,
      [id, queue, kind],
    );
    if (inserted.rowCount === 0) return { ok: true, duplicate: true };
    return execute(tx, prepared);
  }

  /** Turn what happened into the outcome the driver applies. */
  async function settle(prepared: Prepared, result: RunResult, seconds: number): Promise<Outcome> {
    const { envelope, log: messageLog } = prepared;
    const { kind, attempt } = envelope;
    if (result.ok) {
      metrics.processed.inc({ kind, queue });
      if ('duplicate' in result) {
        messageLog.info('already processed (inbox); acknowledged without running again');
      } else {
        metrics.handlerDuration.observe({ function: functionId, outcome: 'succeeded' }, seconds);
        messageLog.info({ durationMs: Math.round(seconds * 1000) }, 'task succeeded');
      }
      return { type: 'ack' };
    }
    metrics.handlerDuration.observe({ function: functionId, outcome: 'failed' }, seconds);
    const err = result.error;
    const error = describeError(err);
    if (attempt < retry.attempts) {
      const delayMs = retryDelayMs(retry, attempt, options.random);
      metrics.failed.inc({ kind, queue });
      messageLog.warn({ err, delayMs }, `task failed (attempt ${attempt}/${retry.attempts}); retrying`);
      const story = told(prepared, 'failed', { error, retryInMs: delayMs });
      await recordJob(prepared, (j) => jobState.retrying(db, j.id, error, story));
      return { type: 'retry', envelope: { ...envelope, attempt: attempt + 1 }, delayMs, error };
    }
    messageLog.error(
      { err },
      `task failed on its last attempt (${attempt}/${retry.attempts}); dead-lettered`,
    );
    await recordJob(prepared, (j) => jobState.dead(db, j, attempt, error, told(prepared, 'dead', { error })));
    return deadLetter(error, envelope);
  }

  /** One message, one transaction. */
  async function runAlone(prepared: Prepared): Promise<RunResult> {
    return db
      .transaction((tx) => runIn(tx, prepared))
      .catch((error: unknown) => ({ ok: false as const, error }));
  }

  /**
   * Many messages, one transaction: one statement claims their inbox rows, then each handler
   * runs in turn. If a handler fails, nothing of the batch commits: that message gets its
   * failure, and every other message runs again alone (handlers that had succeeded run twice:
   * at-least-once, with effects committed once). If the commit fails, all of them run alone.
   */
  async function runBatch(batch: Prepared[]): Promise<RunResult[]> {
    try {
      return await db.transaction(async (tx) => {
        const claimed = await tx.query<{ message_id: string }>(
          `insert into inbox (message_id, queue, kind)
           select id, $2, kind from unnest($1::uuid[], $3::text[]) as m(id, kind)
           on conflict do nothing
           returning message_id`,
          [batch.map((p) => p.envelope.id), queue, batch.map((p) => p.envelope.kind)],
        );
        const fresh = new Set(claimed.rows.map((row) => row.message_id.toLowerCase()));
        const results: RunResult[] = [];
        for (const [index, prepared] of batch.entries()) {
          // `delete` also turns a second copy of one message inside the batch into a duplicate.
          if (!fresh.delete(prepared.envelope.id.toLowerCase())) {
            results.push({ ok: true, duplicate: true });
            continue;
          }
          results.push(
            await execute(tx, prepared).catch((error: unknown) =>
              Promise.reject(new BatchAbort(index, error)),
            ),
          );
        }
        return results;
      });
    } catch (err) {
      const failed = err instanceof BatchAbort ? err : undefined;
      return Promise.all(
        batch.map((prepared, index) =>
          index === failed?.index ? { ok: false as const, error: failed.error } : runAlone(prepared),
        ),
      );
    }
  }

  const runBatched = definition.batch
    ? createBatcher<Prepared, RunResult>(runBatch, {
        maxInFlight: definition.batch.parallel,
        maxBatch: definition.batch.maxSize,
      })
    : undefined;

  return async function processDelivery(delivery: Delivery): Promise<Outcome> {
    const prepared = await prepare(delivery);
    if ('type' in prepared) return prepared;
    const { kind, attempt, traceparent, jobId } = prepared.envelope;
    // One span per attempt, in the trace of whatever published the message (a no-op unless tracing is on).
    const attributes = {
      'messaging.destination.name': queue,
      'fnstack.kind': kind,
      'fnstack.attempt': attempt,
    };
    const parent = contextFrom(traceparent);
    return inSpan(`task ${kind}`, { kind: SpanKind.CONSUMER, parent, attributes }, async (span) => {
      if (jobId) span.setAttribute('fnstack.job_id', jobId);
      prepared.trace = context.active();
      const started = performance.now();
      const run = definition.ownTransactions ? runOwn : (runBatched ?? runAlone);
      const result = await run(prepared);
      const outcome = await settle(prepared, result, (performance.now() - started) / 1000);
      if (outcome.type !== 'ack') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
      return outcome;
    });
  };
}

/** Run `work` in the message's span (its log lines and publishes belong to its trace). */
function inTraceOf<T>(prepared: Prepared, work: () => Promise<T>): Promise<T> {
  return prepared.trace ? context.with(prepared.trace, work) : work();
}

/** Carries which message of a batch failed out of its transaction. */
class BatchAbort extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super('a message of the batch failed');
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** ctx.finish found the message already done by another delivery: its last step was rolled back. */
class AlreadyDone extends Error {
  constructor() {
    super('another delivery of this message finished first');
  }
}

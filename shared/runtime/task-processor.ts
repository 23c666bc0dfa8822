import type { Logger } from 'pino';
import type { TaskCtx } from '../contract/context.ts';
import type { TaskDefinition } from '../contract/task.ts';
import type { Db, Tx } from '../db/port.ts';
import type { Metrics } from '../observability/metrics.ts';
import { parseEnvelope, type Envelope } from '../queue/envelope.ts';
import { retryDelayMs, type Delivery, type DeliveryHandler, type Outcome } from '../queue/port.ts';
import { describeIssues } from '../validation.ts';
import { jobState, type NewJob } from './jobs.ts';

/**
 * The transport-free consumer core: turns one delivery into an outcome (ack, retry later,
 * dead-letter). Every driver runs the same core, so every broker behaves the same.
 *
 * - An unparseable body, an unknown kind or an invalid payload is dead-lettered at once:
 *   retrying cannot fix it, and it must not block the queue.
 * - The handler's writes and the inbox row commit in one transaction; a redelivered message
 *   whose id is already in the inbox is acknowledged without running the handler again.
 * - A thrown error rolls back and asks for a retry with backoff until the last attempt,
 *   then for the dead-letter queue with the error.
 */
export interface TaskProcessorOptions {
  queue: string;
  /** Function id for logs and metrics, e.g. `gradcafe-scrape-new-data`. */
  functionId: string;
  definition: TaskDefinition;
  db: Db;
  metrics: Metrics;
  log: Logger;
  /** Build the handler's ctx around its transaction. */
  makeCtx: (tx: Tx, message: TaskCtx['message'], log: Logger) => TaskCtx;
  random?: () => number;
}

const DUPLICATE = Symbol('duplicate');

export function createTaskProcessor(options: TaskProcessorOptions): DeliveryHandler {
  const { queue, functionId, definition, db, metrics, log } = options;
  const { retry } = definition;

  function deadLetter(error: string, envelope?: Envelope): Outcome {
    metrics.deadLettered.inc({ kind: envelope?.kind ?? 'unknown', queue });
    return envelope ? { type: 'dead', error, envelope } : { type: 'dead', error };
  }

  /** Job rows are bookkeeping: a failed update is logged and never changes what happens to the message. */
  async function recordJob(
    job: NewJob | undefined,
    update: (job: NewJob) => Promise<void>,
    messageLog: Logger,
  ) {
    if (!job) return;
    await update(job).catch((err: unknown) =>
      messageLog.warn({ err, jobId: job.id }, 'could not update job state'),
    );
  }

  return async function processDelivery(delivery: Delivery): Promise<Outcome> {
    const parsed = parseEnvelope(delivery.body);
    if (!parsed.ok) {
      log.warn({ queue, reason: parsed.reason }, 'malformed message dead-lettered');
      return deadLetter(parsed.reason);
    }
    const envelope = parsed.envelope;
    const { id, kind, attempt, correlationId, jobId } = envelope;
    const messageLog = log.child({ correlationId, messageId: id, kind, attempt, function: functionId });
    const job = jobId ? { id: jobId, kind, payload: envelope.payload, correlationId } : undefined;

    if (!definition.consumes.includes(kind)) {
      const error = `unknown kind '${kind}' for queue ${queue}`;
      messageLog.warn(error + '; dead-lettered');
      await recordJob(job, (j) => jobState.dead(db, j, attempt, error), messageLog);
      return deadLetter(error, envelope);
    }
    const payload = definition.payload.safeParse(envelope.payload);
    if (!payload.success) {
      const error = `invalid payload: ${describeIssues(payload.error)}`;
      messageLog.warn({ error }, 'invalid payload dead-lettered');
      await recordJob(job, (j) => jobState.dead(db, j, attempt, error), messageLog);
      return deadLetter(error, envelope);
    }

    await recordJob(job, (j) => jobState.running(db, j, attempt), messageLog);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await db.transaction(async (tx) => {
        const inserted = await tx.query(
          `insert into inbox (message_id, queue, kind) values ($1, $2, $3) on conflict do nothing`,
          [id, queue, kind],
        );
        if (inserted.rowCount === 0) return DUPLICATE;
        const message = {
          id,
          kind,
          attempt,
          maxAttempts: retry.attempts,
          correlationId,
          ...(jobId ? { jobId } : {}),
        };
        const value = await definition.handler(payload.data, options.makeCtx(tx, message, messageLog));
        if (job) await jobState.succeeded(tx, job, attempt, value);
        return value;
      });
      metrics.processed.inc({ kind, queue });
      if (result === DUPLICATE) {
        messageLog.info('already processed (inbox); acknowledged without running again');
        return { type: 'ack' };
      }
      metrics.handlerDuration.observe({ function: functionId, outcome: 'succeeded' }, seconds());
      messageLog.info({ durationMs: Math.round(seconds() * 1000) }, 'task succeeded');
      return { type: 'ack' };
    } catch (err) {
      metrics.handlerDuration.observe({ function: functionId, outcome: 'failed' }, seconds());
      const error = describeError(err);
      if (attempt < retry.attempts) {
        const delayMs = retryDelayMs(retry, attempt, options.random);
        metrics.failed.inc({ kind, queue });
        messageLog.warn({ err, delayMs }, `task failed (attempt ${attempt}/${retry.attempts}); retrying`);
        await recordJob(job, (j) => jobState.retrying(db, j.id, error), messageLog);
        return { type: 'retry', envelope: { ...envelope, attempt: attempt + 1 }, delayMs, error };
      }
      messageLog.error(
        { err },
        `task failed on its last attempt (${attempt}/${retry.attempts}); dead-lettered`,
      );
      await recordJob(job, (j) => jobState.dead(db, j, attempt, error), messageLog);
      return deadLetter(error, envelope);
    }
  };
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

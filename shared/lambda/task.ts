import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import pLimit from 'p-limit';
import type { TaskDefinition } from '../contract/task.ts';
import { lazy } from '../lazy.ts';
import { createLogger } from '../observability/logger.ts';
import { queueName, type FunctionEntry } from '../runtime/manifest.ts';
import { createTaskProcessor } from '../runtime/task-processor.ts';
import { invocationFields, invocationScope } from './invocation.ts';
import { lazyRuntime } from './runtime.ts';
import { taskBatching } from './task-batching.ts';
import type { LambdaDeployment, TaskLambda } from './types.ts';

/**
 * A record is not started when less time than this is left in the invocation: it is reported
 * and comes back, rather than being cut off mid-transaction by the timeout.
 */
const START_MARGIN_MS = 3_000;

/**
 * One task function as a Lambda handler for SQS events, through the same consumer core as the
 * local drivers (envelope and payload validation, inbox, job states, retry decisions), with
 * partial batch responses: the handler answers `batchItemFailures` naming exactly the records
 * that must come back; every other record of the batch is deleted by the event source.
 *
 * What each outcome of the core becomes:
 * - ack: the record is done.
 * - retry: reported as failed, and its visibility set to the retry policy's delay, so it comes
 *   back after the same backoff as locally. Attempts are counted from ApproximateReceiveCount.
 * - dead (a malformed message, or the last attempt failed): sent to the function's DLQ with the
 *   reason, then done. If that send fails, the record is reported: the queue's redrive policy
 *   (a little above the retry policy's attempts) still moves it to the DLQ in the end.
 *
 * Batch size, records in flight and pool size come from `taskBatching` (shared with the SAM
 * template), so no record of a batch waits for a connection while the invocation's clock runs.
 */
export function taskHandler(entry: FunctionEntry<TaskDefinition>, deployment: LambdaDeployment): TaskLambda {
  const queue = queueName(entry);
  const { inFlight, poolSize } = taskBatching(entry.definition);
  const runtime = lazyRuntime({ functionId: entry.id, deployment, poolSize });
  // One consumer per container, however many records ask for it at once on a cold start: the
  // batching of `batch: true` tasks happens inside it.
  const consumer = lazy(async () => {
    const rt = await runtime();
    const { createRecordSettler } = await import('./sqs-records.ts');
    const process = createTaskProcessor({
      queue,
      functionId: entry.id,
      definition: entry.definition,
      db: rt.db,
      metrics: rt.metrics,
      log: rt.log,
      makeCtx: rt.taskCtx,
    });
    return { process, settler: createRecordSettler(rt.config), rt };
  });

  async function handleRecord(record: SQSRecord, context: Context): Promise<void> {
    if (context.getRemainingTimeInMillis() < START_MARGIN_MS) {
      throw new Error('not started: the invocation is about to time out');
    }
    const { process, settler, rt } = await consumer();
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const outcome = await process({
      body: Buffer.from(record.body, 'utf8'),
      queue,
      redelivered: receiveCount > 1,
      receiveCount,
    });
    switch (outcome.type) {
      case 'ack':
        return;
      case 'retry':
        await settler.retryAfter(record, outcome.delayMs).catch((err: unknown) =>
          // The record still comes back, after the queue's own visibility timeout.
          rt.log.warn({ err, messageId: record.messageId }, 'could not delay the retry'),
        );
        throw new Error(`retry: ${outcome.error}`);
      case 'dead':
        await settler.deadLetter(record, queue, outcome);
        return;
    }
  }

  async function handleBatch(event: SQSEvent, context: Context): Promise<PromiseSettledResult<void>[]> {
    const limit = pLimit(inFlight);
    const settled = await Promise.allSettled(
      event.Records.map((record) => limit(() => handleRecord(record, context))),
    );
    // No relay runs on Lambda: what the batch's tasks committed to the outbox is sent now, within
    // the invocation (and anything an earlier crash left). A failure here fails no record: the
    // rows stay pending for the next invocation.
    const built = await consumer().catch(() => undefined); // its failure is already each record's
    await built?.rt.outbox
      .drain()
      .catch((err: unknown) => built.rt.log.warn({ err }, 'outbox: could not send after the batch'));
    return settled;
  }

  // The core has already logged why a record failed; this only ties the report to the record.
  const log = createLogger(undefined, { mixin: invocationFields }).child({ function: entry.id });
  const handler = middy(handleBatch)
    .use(invocationScope())
    .use(
      sqsPartialBatchFailure({
        logger: (reason: unknown, record: SQSRecord) =>
          log.debug({ messageId: record.messageId, reason: String(reason) }, 'record reported as failed'),
      }),
    );
  // The middleware turns the settled results into `{ batchItemFailures }`.
  return handler as unknown as TaskLambda;
}

import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { TaskDefinition } from '../contract/task.ts';
import { createLogger } from '../observability/logger.ts';
import type { DeliveryHandler } from '../queue/port.ts';
import { queueName, type FunctionEntry } from '../runtime/manifest.ts';
import { createTaskProcessor } from '../runtime/task-processor.ts';
import { invocationFields, invocationScope } from './invocation.ts';
import { lazyRuntime, type LambdaRuntime } from './runtime.ts';
import type { RecordSettler } from './sqs-records.ts';
import type { LambdaDeployment, TaskLambda } from './types.ts';

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
 *   (maxReceiveCount = the retry policy's attempts) still moves it to the DLQ in the end.
 */
export function taskHandler(entry: FunctionEntry<TaskDefinition>, deployment: LambdaDeployment): TaskLambda {
  const queue = queueName(entry);
  const runtime = lazyRuntime({
    functionId: entry.id,
    deployment,
    poolSize: entry.definition.concurrency,
  });
  let consumer: { process: DeliveryHandler; settler: RecordSettler; rt: LambdaRuntime } | undefined;

  async function ready() {
    if (!consumer) {
      const rt = await runtime();
      const process = createTaskProcessor({
        queue,
        functionId: entry.id,
        definition: entry.definition,
        db: rt.db,
        metrics: rt.metrics,
        log: rt.log,
        makeCtx: rt.taskCtx,
      });
      const { createRecordSettler } = await import('./sqs-records.ts');
      consumer = { process, settler: createRecordSettler(rt.config), rt };
    }
    return consumer;
  }

  async function handleRecord(record: SQSRecord): Promise<void> {
    const { process, settler, rt } = await ready();
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

  async function handleBatch(event: SQSEvent): Promise<PromiseSettledResult<void>[]> {
    // Records run side by side: the pool (sized to the function's concurrency) bounds the
    // database work, and a batched function's records meet in one transaction.
    return Promise.allSettled(event.Records.map(handleRecord));
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

import type { TaskDefinition } from '../contract/task.ts';

/** SQS hands a function at most ten messages per batch unless a batching window is set. */
const SQS_BATCH_WITHOUT_WINDOW = 10;

export interface TaskBatching {
  /** The event source mapping's BatchSize (the SAM template writes it). */
  batchSize: number;
  /** Records of one batch that run at once. */
  inFlight: number;
  /** pg connections of the container. */
  poolSize: number;
}

/**
 * How a task's messages meet Lambda, in one place for the adapter and the template: a batch is
 * never larger than what runs at once, so no record waits (and times out) for a connection
 * while the invocation's clock runs.
 * - A plain task: batches of its concurrency (at most 10), all records at once, a connection each.
 * - A `batch: true` task: batches of its batch size, all records at once (they meet in shared
 *   transactions), one connection per transaction plus one for job bookkeeping.
 */
export function taskBatching(definition: TaskDefinition): TaskBatching {
  if (definition.batch) {
    const { maxSize, parallel } = definition.batch;
    return { batchSize: maxSize, inFlight: maxSize, poolSize: Math.min(maxSize, parallel + 1) };
  }
  const batchSize = Math.min(SQS_BATCH_WITHOUT_WINDOW, definition.concurrency);
  return { batchSize, inFlight: batchSize, poolSize: batchSize };
}

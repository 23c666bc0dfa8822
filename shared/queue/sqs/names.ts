/** SQS's limit on a queue name. */
export const MAX_QUEUE_NAME_LENGTH = 80;

/**
 * SQS queue names for one deployment. SQS allows only `[A-Za-z0-9_-]` (at most 80 chars), so
 * every other character of `prefix + queue` (our names use dots: `t1a2b.gradcafe.scrape`)
 * becomes `_`. The mapping is deterministic, so every process finds the same queues; two
 * names that differ only in such characters (`a.b` and `a_b`) would share a queue, which the
 * topology registry reports when both are declared.
 *
 * @example
 *   const names = sqsQueueNames('t1.');
 *   names.main('catalog.index'); // 't1_catalog_index'
 *   names.dlq('catalog.index'); // 't1_catalog_index-dlq'
 */
export interface SqsQueueNames {
  readonly prefix: string;
  /** The standard queue a task function consumes. */
  main(queue: string): string;
  /** Where messages go after the last attempt, or when they cannot be parsed. */
  dlq(queue: string): string;
}

export function sqsQueueNames(prefix = ''): SqsQueueNames {
  const main = (queue: string) => checkedName(sanitize(`${prefix}${queue}`));
  return {
    prefix,
    main,
    // '-' never comes out of sanitize for a dot, so a DLQ cannot collide with a main queue
    // unless a queue name itself ends in '-dlq'.
    dlq: (queue) => checkedName(`${sanitize(`${prefix}${queue}`)}-dlq`),
  };
}

export function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

function checkedName(name: string): string {
  if (name.length === 0 || name.length > MAX_QUEUE_NAME_LENGTH) {
    throw new TypeError(
      `SQS queue name '${name}' must be 1..${MAX_QUEUE_NAME_LENGTH} characters; shorten the prefix or the queue name`,
    );
  }
  return name;
}

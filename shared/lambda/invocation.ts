import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { flushTraces } from '../observability/tracing-sdk.ts';

/**
 * The invocation in progress. A Lambda container runs one invocation at a time, so a module
 * variable is enough to put its request id on every log line (through a pino mixin), including
 * lines of the pg pool and the SQS driver, which know nothing of invocations.
 */
let current: { awsRequestId: string } | undefined;

/**
 * The fields of the invocation in progress, as a new object on every call: pino merges a log
 * call's own fields INTO what its mixin returns, so a shared object would carry one line's fields
 * (a record's `reason`, `err`) into every later line of the container.
 */
export function invocationFields(): object {
  return current ? { awsRequestId: current.awsRequestId } : {};
}

/**
 * middy middleware: scope log lines to the invocation, and forget it afterwards; with tracing on,
 * export the invocation's spans before it ends (a frozen container sends nothing).
 */
export function invocationScope(): MiddlewareObj<unknown, unknown, Error, Context> {
  const forget = async () => {
    current = undefined;
    await flushTraces().catch(() => undefined); // tracing is never worth failing an invocation
  };
  return {
    before: (request) => {
      current = { awsRequestId: request.context.awsRequestId };
    },
    after: forget,
    onError: forget,
  };
}

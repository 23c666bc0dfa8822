import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The invocation in progress. A Lambda container runs one invocation at a time, so a module
 * variable is enough to put its request id on every log line (through a pino mixin), including
 * lines of the pg pool and the SQS driver, which know nothing of invocations.
 */
let current: { awsRequestId: string } | undefined;

export function invocationFields(): object {
  return current ?? {};
}

/** middy middleware: scope log lines to the invocation, and forget it afterwards. */
export function invocationScope(): MiddlewareObj<unknown, unknown, Error, Context> {
  const forget = () => {
    current = undefined;
  };
  return {
    before: (request) => {
      current = { awsRequestId: request.context.awsRequestId };
    },
    after: forget,
    onError: forget,
  };
}

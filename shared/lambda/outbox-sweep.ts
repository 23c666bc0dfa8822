import middy from '@middy/core';
import { invocationScope } from './invocation.ts';
import { lazyRuntime } from './runtime.ts';
import type { LambdaDeployment, LambdaHandler, ScheduledEvent } from './types.ts';

/** The id of the synthetic function, in the build and the template. */
export const OUTBOX_SWEEP_FUNCTION_ID = 'platform-outbox-sweep';

/**
 * The outbox sweeper, on Lambda: no relay runs there (each task invocation sends what is due
 * after its batch, each writing HTTP invocation after its answer), so this function, on a
 * one-minute schedule, sends what would otherwise wait for the next of those: rows a crash left
 * behind between a commit and its send, and rows whose publish the broker refused.
 */
export function outboxSweepHandler(
  deployment: LambdaDeployment,
): LambdaHandler<ScheduledEvent, { sent: number }> {
  const runtime = lazyRuntime({ functionId: OUTBOX_SWEEP_FUNCTION_ID, deployment, poolSize: 1 });
  async function sweep(): Promise<{ sent: number }> {
    const rt = await runtime();
    const sent = await rt.outbox.drain();
    if (sent > 0) rt.log.info({ sent }, 'outbox swept');
    return { sent };
  }
  return middy(sweep).use(invocationScope());
}

import middy from '@middy/core';
import type { ScheduleDefinition } from '../contract/schedule.ts';
import type { FunctionEntry } from '../runtime/manifest.ts';
import { scheduleCorrelationId } from '../contract/schedule-correlation.ts';
import { fireSchedule } from '../runtime/scheduler.ts';
import { invocationScope } from './invocation.ts';
import { lazyRuntime } from './runtime.ts';
import type { LambdaDeployment, ScheduledEvent, ScheduleLambda } from './types.ts';

/**
 * One schedule as a Lambda handler for EventBridge scheduled events: each event is one tick,
 * which triggers a job exactly as the local scheduler does (the template's rule carries the
 * same cron). A second delivery of one event triggers nothing new.
 */
export function scheduleHandler(
  entry: FunctionEntry<ScheduleDefinition>,
  deployment: LambdaDeployment,
): ScheduleLambda {
  const runtime = lazyRuntime({ functionId: entry.id, deployment, poolSize: 1 });

  async function tick(event: ScheduledEvent): Promise<{ jobId: string; messageId: string; kind: string }> {
    const rt = await runtime();
    const correlationId = scheduleCorrelationId(entry.id, event.id);
    const { jobId, messageId } = await fireSchedule(entry.definition, rt, {
      correlationId,
      // EventBridge delivers at least once and Lambda retries a failed async invocation with the
      // same event: one event id is one job, and its task runs once.
      idempotencyKey: `${entry.id}:${event.id}`,
    });
    const kind = entry.definition.publishes;
    rt.log.info({ schedule: entry.id, kind, jobId, correlationId }, 'schedule fired');
    return { jobId, messageId, kind };
  }

  return middy(tick).use(invocationScope());
}

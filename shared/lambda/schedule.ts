import middy from '@middy/core';
import type { ScheduleDefinition } from '../contract/schedule.ts';
import type { FunctionEntry } from '../runtime/manifest.ts';
import { fireSchedule } from '../runtime/scheduler.ts';
import { invocationScope } from './invocation.ts';
import { lazyRuntime } from './runtime.ts';
import type { LambdaDeployment, ScheduledEvent, ScheduleLambda } from './types.ts';

/**
 * One schedule as a Lambda handler for EventBridge scheduled events: each event is one tick,
 * which triggers a job exactly as the local scheduler does (the template's rule carries the
 * same cron). The tick's time is the event's, so a late delivery still stamps its own tick.
 */
export function scheduleHandler(
  entry: FunctionEntry<ScheduleDefinition>,
  deployment: LambdaDeployment,
): ScheduleLambda {
  const runtime = lazyRuntime({ functionId: entry.id, deployment, poolSize: 1 });

  async function tick(event: ScheduledEvent): Promise<{ jobId: string; kind: string }> {
    const rt = await runtime();
    const at = new Date(event.time);
    const correlationId = `schedule:${entry.id}:${event.id}`;
    const { jobId } = await fireSchedule(entry.definition, rt, {
      at: Number.isNaN(at.getTime()) ? new Date() : at,
      correlationId,
    });
    const kind = entry.definition.publishes;
    rt.log.info({ schedule: entry.id, kind, jobId, correlationId }, 'schedule fired');
    return { jobId, kind };
  }

  return middy(tick).use(invocationScope());
}

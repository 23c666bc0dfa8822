import { Cron } from 'croner';
import { activeCron, type ScheduleDefinition } from '../contract/schedule.ts';
import { scheduleCorrelationId } from '../contract/schedule-correlation.ts';
import type { Platform } from './platform.ts';
import { createJobs } from './jobs.ts';
import { createPublisher } from './publisher.ts';

/**
 * Fire every schedule: each tick triggers a job (a job row plus a message); the work is a task.
 * Run the scheduler role in ONE process per deployment, or ticks fire once per replica.
 */
export function startScheduler(platform: Platform): { stop(): Promise<void>; describe(): string[] } {
  const { manifest, config, log } = platform;
  const crons: Cron[] = [];
  const described: string[] = [];
  const ticking = new Set<Promise<void>>();
  for (const entry of manifest.schedules) {
    const { publishes } = entry.definition;
    const pattern = activeCron(entry.definition, config);
    if (pattern === undefined) {
      described.push(`${entry.id}: disabled`);
      continue;
    }
    const fire = async () => {
      const correlationId = scheduleCorrelationId(entry.id, String(Date.now()));
      try {
        const { jobId } = await fireSchedule(entry.definition, platform, { correlationId });
        log.info({ schedule: entry.id, kind: publishes, jobId, correlationId }, 'schedule fired');
      } catch (err) {
        log.error({ err, schedule: entry.id, kind: publishes }, 'schedule could not publish');
      }
    };
    const job = new Cron(pattern, { timezone: 'UTC', protect: true, name: entry.id }, () => {
      const tick = fire().finally(() => ticking.delete(tick));
      ticking.add(tick);
      return tick;
    });
    crons.push(job);
    described.push(`${entry.id}: '${pattern}' → ${publishes} (next ${job.nextRun()?.toISOString()})`);
  }
  return {
    /** No new ticks; a tick already publishing finishes first. */
    async stop() {
      crons.forEach((c) => c.stop());
      await Promise.allSettled([...ticking]);
    },
    describe: () => described,
  };
}

/**
 * One tick of a schedule: a job for the task it names (a job row plus a message). The local
 * scheduler and the Lambda schedule adapter both fire ticks through here.
 */
export function fireSchedule(
  definition: ScheduleDefinition,
  parts: Pick<Platform, 'db' | 'driver' | 'metrics' | 'log'>,
  tick: { correlationId: string; idempotencyKey?: string },
): Promise<{ jobId: string; messageId: string }> {
  const { db, driver, metrics, log } = parts;
  const jobs = createJobs({
    db,
    publisher: createPublisher(driver, metrics),
    correlationId: tick.correlationId,
    log,
  });
  const { idempotencyKey } = tick;
  return jobs.trigger(definition.publishes, definition.payload, idempotencyKey ? { idempotencyKey } : {});
}

import { Cron } from 'croner';
import { activeCron, type ScheduleDefinition } from '../contract/schedule.ts';
import { scheduleCorrelationId } from '../contract/schedule-correlation.ts';
import type { Platform } from './platform.ts';
import { createJobs } from './jobs.ts';
import { createPublisher } from './publisher.ts';

/**
 * Fire every schedule: each tick triggers a job (a job row plus a message); the work is a task.
 * A tick is keyed by its schedule and its second (as EventBridge's are by their event id), so two
 * scheduler replicas firing the same tick record one job and publish one message id: the task runs
 * once. (A replica whose event loop was blocked past that second would fire a tick of its own.)
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
      const tick = tickOf(new Date());
      const correlationId = scheduleCorrelationId(entry.id, tick);
      try {
        const idempotencyKey = `${entry.id}:${tick}`;
        const { jobId } = await fireSchedule(entry.definition, platform, { correlationId, idempotencyKey });
        log.info({ schedule: entry.id, kind: publishes, jobId, correlationId }, 'schedule fired');
      } catch (err) {
        log.error({ err, schedule: entry.id, kind: publishes }, 'schedule could not publish');
      }
    };
    // Unnamed: croner's names are process-wide, and a second scheduler (a test's replica) would clash.
    const job = new Cron(pattern, { timezone: 'UTC', protect: true }, () => {
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

/** The tick a cron callback fires for: its scheduled second (croner calls it a few ms after). */
const tickOf = (now: Date) => new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();

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

import type { Logger } from 'pino';
import type { Job, Jobs, Operator } from '../contract/context.ts';
import { scheduleCorrelationId } from '../contract/schedule-correlation.ts';
import type { Queryable } from '../db/port.ts';
import { NotFoundError } from '../errors.ts';
import { recentActions, recordAction } from './operator-actions.ts';
import { lastHour } from './operator-activity.ts';

import type { DeploymentSummary } from './deployment-summary.ts';

export function createOperator(summary: DeploymentSummary, db: Queryable, jobs: Jobs, log: Logger): Operator {
  return {
    schedules: () =>
      Promise.all(
        summary.schedules.map(async ({ name, publishes, cron }) => ({
          name,
          publishes,
          cron,
          lastRun: await lastRun(db, jobs, name, publishes),
        })),
      ),

    lastHour: () => lastHour(db),
    async record(action) {
      await recordAction(db, action);
      log.info(
        { ...action },
        `console: ${action.action} ${action.target} (${action.count}) by ${action.actor}`,
      );
    },
    recentActions: (limit) => recentActions(db, limit),

    async runSchedule(name) {
      const schedule = summary.schedules.find((s) => s.name === name);
      if (!schedule) throw new NotFoundError(`No schedule named ${name.slice(0, 200)}`);
      const correlationId = scheduleCorrelationId(name, `console-${Date.now()}`);
      const { jobId } = await jobs.trigger(schedule.publishes, schedule.payload, { correlationId });
      return { jobId, kind: schedule.publishes };
    },
  };
}

/** The newest job a schedule fired: of its kind, with its correlation id (the kind's index finds it). */
async function lastRun(db: Queryable, jobs: Jobs, name: string, kind: string): Promise<Job | null> {
  const prefix = scheduleCorrelationId(name, '').replace(/[\\%_]/g, '\\$&');
  const { rows } = await db.query<{ id: string }>(
    `select id from jobs where kind = $1 and correlation_id like $2 order by created_at desc limit 1`,
    [kind, `${prefix}%`],
  );
  return rows[0] ? ((await jobs.get(rows[0].id)) ?? null) : null;
}

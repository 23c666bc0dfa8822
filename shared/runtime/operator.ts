import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { FunctionInfo, Job, Jobs, Operator, ScheduleInfo } from '../contract/context.ts';
import { activeCron, scheduleCorrelationId } from '../contract/schedule.ts';
import type { Queryable } from '../db/port.ts';
import { NotFoundError } from '../errors.ts';
import { mountPath, queueName, type Manifest } from './manifest.ts';
import { recentActions, recordAction } from './operator-actions.ts';
import { lastHour } from './operator-activity.ts';

/**
 * The deployment as the console sees it: every function and every schedule. A runner reads it
 * from its manifest; a Lambda bundle carries it inlined (LambdaDeployment), so the console is the
 * same there without the manifest.
 */
export interface DeploymentSummary {
  functions: FunctionInfo[];
  schedules: { name: string; publishes: string; cron: string | null; payload: unknown }[];
}

/** The summary of a manifest under `config` (the Lambda build passes the defaults the template deploys). */
export function summarizeDeployment(manifest: Manifest, config: Config): DeploymentSummary {
  const fn = (entry: { id: string; app: string }, type: FunctionInfo['type'], detail: string) => ({
    id: entry.id,
    app: entry.app,
    type,
    detail,
  });
  return {
    functions: [
      ...manifest.http.map((e) => fn(e, 'http', `${e.definition.method} ${mountPath(e)}`)),
      ...manifest.tasks.map((e) => fn(e, 'task', queueName(e))),
      ...manifest.schedules.map((e) => fn(e, 'schedule', e.definition.publishes)),
    ],
    schedules: manifest.schedules.map((e) => ({
      name: e.id,
      publishes: e.definition.publishes,
      cron: activeCron(e.definition, config) ?? null,
      payload: e.definition.payload,
    })),
  };
}

export function createOperator(summary: DeploymentSummary, db: Queryable, jobs: Jobs, log: Logger): Operator {
  return {
    functions: () => summary.functions,

    async schedules() {
      // croner is loaded here only: an HTTP bundle that never lists schedules never evaluates it.
      const { Cron } = await import('croner');
      return Promise.all(
        summary.schedules.map(async ({ name, publishes, cron }): Promise<ScheduleInfo> => ({
          name,
          publishes,
          cron,
          nextRun: cron
            ? (new Cron(cron, { timezone: 'UTC', paused: true }).nextRun()?.toISOString() ?? null)
            : null,
          lastRun: await lastRun(db, jobs, name, publishes),
        })),
      );
    },

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

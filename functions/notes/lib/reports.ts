import * as z from 'zod';
import type { Queryable } from '../../../shared/db/port.ts';
import { statusSchema, type TaskStatus } from './model.ts';
import { ownerStats, type StatusCounts } from './stats-store.ts';

/**
 * Task reports: an owner's counts by status, completion rate and recent activity, computed by
 * the `notes_task_report` task and kept as the owner's latest snapshot (`notes.task_reports`).
 *
 * @example
 *   const report = await saveReport(tx, await computeReport(tx, ownerId), ctx.message.jobId ?? null);
 *   await latestReport(db, ownerId); // the same report, or undefined before the first one
 */
export const ACTIVITY_WINDOW_DAYS = 7;
export const LAST_CHANGES = 5;

export interface TaskChange {
  taskId: string;
  title: string;
  status: TaskStatus;
  /** `created` when the task was not changed since, else `updated`. */
  change: 'created' | 'updated';
  /** ISO time of the change. */
  at: string;
}

export interface RecentActivity {
  windowDays: number;
  /** Tasks created within the window. */
  created: number;
  /** Tasks changed after their creation, last changed within the window. */
  updated: number;
  /** The owner's last changed tasks, latest first. */
  lastChanges: TaskChange[];
}

export interface ReportSummary extends StatusCounts {
  ownerId: string;
  recentActivity: RecentActivity;
}

export interface TaskReport extends ReportSummary {
  /** ISO time the report was computed. */
  generatedAt: string;
  jobId: string | null;
}

interface ActivityRow {
  created: number;
  updated: number;
}

interface ChangeRow {
  id: string;
  title: string;
  status: TaskStatus;
  changed: boolean;
  updated_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** The owner's summary now (in the caller's transaction, so counts and activity agree). */
export async function computeReport(db: Queryable, ownerId: string): Promise<ReportSummary> {
  const counts = await ownerStats(db, ownerId);
  const activity = await db.query<ActivityRow>(
    `select
       count(*) filter (where created_at >= now() - make_interval(days => $2))::int as created,
       count(*) filter (where updated_at > created_at
                          and updated_at >= now() - make_interval(days => $2))::int as updated
     from notes.tasks
     where owner_id = $1`,
    [ownerId, ACTIVITY_WINDOW_DAYS],
  );
  const changes = await db.query<ChangeRow>(
    `select id, title, status, updated_at > created_at as changed, updated_at
     from notes.tasks
     where owner_id = $1
     order by updated_at desc, id desc
     limit $2`,
    [ownerId, LAST_CHANGES],
  );
  const { created = 0, updated = 0 } = activity.rows[0] ?? {};
  return {
    ...counts,
    recentActivity: {
      windowDays: ACTIVITY_WINDOW_DAYS,
      created,
      updated,
      lastChanges: changes.rows.map((row) => ({
        taskId: row.id,
        title: row.title,
        status: row.status,
        change: row.changed ? 'updated' : 'created',
        at: iso(row.updated_at),
      })),
    },
  };
}

interface ReportRow {
  owner_id: string;
  total: number;
  todo: number;
  in_progress: number;
  done: number;
  completion_rate: number;
  recent_activity: RecentActivity;
  generated_at: Date | string;
  job_id: string | null;
}

const REPORT_COLUMNS = `owner_id, total, todo, in_progress, done, completion_rate::float8 as completion_rate,
  recent_activity, generated_at, job_id`;

function toReport(row: ReportRow): TaskReport {
  return {
    ownerId: row.owner_id,
    total: row.total,
    todo: row.todo,
    inProgress: row.in_progress,
    done: row.done,
    completionRate: row.completion_rate,
    recentActivity: row.recent_activity,
    generatedAt: iso(row.generated_at),
    jobId: row.job_id,
  };
}

/**
 * Replace the owner's snapshot with `summary`, generated now, unless a newer one is there already:
 * two report jobs for one owner may commit in either order, and the later-generated one must win.
 * `clock_timestamp()`, not `now()` (the transaction's start), so "generated" is when it was computed.
 */
export async function saveReport(
  db: Queryable,
  summary: ReportSummary,
  jobId: string | null,
): Promise<TaskReport> {
  const { rows } = await db.query<ReportRow>(
    `insert into notes.task_reports
       (owner_id, total, todo, in_progress, done, completion_rate, recent_activity, generated_at, job_id)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, clock_timestamp(), $8::uuid)
     on conflict (owner_id) do update set
       total = excluded.total, todo = excluded.todo, in_progress = excluded.in_progress,
       done = excluded.done, completion_rate = excluded.completion_rate,
       recent_activity = excluded.recent_activity, generated_at = excluded.generated_at,
       job_id = excluded.job_id
     where notes.task_reports.generated_at <= excluded.generated_at
     returning ${REPORT_COLUMNS}`,
    [
      summary.ownerId,
      summary.total,
      summary.todo,
      summary.inProgress,
      summary.done,
      summary.completionRate,
      JSON.stringify(summary.recentActivity),
      jobId,
    ],
  );
  if (rows[0]) return toReport(rows[0]);
  // A newer report committed first: it stays, and is what this job reports.
  return (await latestReport(db, summary.ownerId))!;
}

export async function latestReport(db: Queryable, ownerId: string): Promise<TaskReport | undefined> {
  const { rows } = await db.query<ReportRow>(
    `select ${REPORT_COLUMNS} from notes.task_reports where owner_id = $1`,
    [ownerId],
  );
  return rows[0] ? toReport(rows[0]) : undefined;
}

/** True when `ownerId` is an account (reports reference auth.users). */
export async function ownerExists(db: Queryable, ownerId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from auth.users where id = $1', [ownerId]);
  return rows.length > 0;
}

/** Response shape for the OpenAPI document. */
export const taskReportSchema = z.object({
  ownerId: z.uuid(),
  total: z.number().int(),
  todo: z.number().int(),
  inProgress: z.number().int(),
  done: z.number().int(),
  completionRate: z.number(),
  recentActivity: z.object({
    windowDays: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    lastChanges: z.array(
      z.object({
        taskId: z.uuid(),
        title: z.string(),
        status: statusSchema,
        change: z.enum(['created', 'updated']),
        at: z.string(),
      }),
    ),
  }),
  generatedAt: z.string(),
  jobId: z.uuid().nullable(),
}) satisfies z.ZodType<TaskReport>;

import type { HttpCtx, Job } from '../../../shared/contract/index.ts';
import { latestReport, type TaskReport } from './reports.ts';
import { REPORT_KIND, reportPayloadSchema } from './report-task.ts';

/**
 * What the dashboard's report panel shows: the owner's latest report and, when there is one,
 * the report job being watched (while it is queued or running the panel keeps polling).
 *
 * @example
 *   const progress = await reportProgress(ctx, user.id, query.job); // { job, report }
 */
export interface ReportProgress {
  job: Job | undefined;
  report: TaskReport | undefined;
}

const ACTIVE = new Set<Job['status']>(['queued', 'running', 'retrying']);

export function isActive(job: Pick<Job, 'status'> | undefined): boolean {
  return job !== undefined && ACTIVE.has(job.status);
}

function reportJobOf(job: Job | undefined, ownerId: string): Job | undefined {
  if (job?.kind !== REPORT_KIND) return undefined;
  const payload = reportPayloadSchema.safeParse(job.payload);
  return payload.success && payload.data.ownerId === ownerId ? job : undefined;
}

/**
 * The owner's report and report job: `jobId` when it is this owner's report job (anything else
 * is ignored, so nobody watches someone else's job), else their most recent one.
 */
export async function reportProgress(
  ctx: Pick<HttpCtx, 'db' | 'jobs'>,
  ownerId: string,
  jobId?: string,
): Promise<ReportProgress> {
  const [named, report] = await Promise.all([
    jobId ? ctx.jobs.get(jobId) : Promise.resolve(undefined),
    latestReport(ctx.db, ownerId),
  ]);
  let job = reportJobOf(named, ownerId);
  if (!job) {
    const [latest] = await ctx.jobs.recent({ kinds: [REPORT_KIND], payloadContains: { ownerId }, limit: 1 });
    job = reportJobOf(latest, ownerId);
  }
  return { job, report };
}

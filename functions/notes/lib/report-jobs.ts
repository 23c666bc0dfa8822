import * as z from 'zod';
import { jobAcceptedSchema, type HttpCtx } from '../../../shared/contract/index.ts';
import { REPORT_KIND } from './report-task.ts';
import notes from '../app.ts';

/**
 * Queue an owner's report (a recorded job, `GET /jobs/:id`) and describe where to follow it.
 * Access is the caller's business (assertMayAccessOwner); an unavailable broker throws
 * QueueUnavailableError, which the platform answers with 503.
 *
 * @example
 *   const { kind, jobId, links } = await triggerReport(ctx, req.correlationId, ownerId);
 *   return accepted({ kind, jobId }, { links }); // 202 { ok, queued, kind, jobId, links: { job, report } }
 */
export interface ReportJobAccepted {
  kind: typeof REPORT_KIND;
  jobId: string;
  links: { job: string; report: string };
}

export const reportPath = (ownerId: string) => notes.url(`/api/jobs/task-report/${ownerId}`);

export async function triggerReport(
  ctx: Pick<HttpCtx, 'jobs'>,
  correlationId: string,
  ownerId: string,
): Promise<ReportJobAccepted> {
  const { jobId } = await ctx.jobs.trigger(REPORT_KIND, { ownerId }, { correlationId });
  return { kind: REPORT_KIND, jobId, links: { job: `/jobs/${jobId}`, report: reportPath(ownerId) } };
}

export const reportJobAcceptedSchema = jobAcceptedSchema.extend({
  links: z.object({ job: z.string(), report: z.string() }),
});

import * as z from 'zod';
import type { TaskCtx } from '../../../shared/contract/index.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { computeReport, ownerExists, saveReport } from './reports.ts';

/**
 * The work of the report tasks: generate an owner's report, then announce it so the analytics
 * sink copies it.
 *
 * @example
 *   await generateTaskReport({ ownerId }, ctx); // report row upserted, notes_report_finished published
 */
export const REPORT_KIND = 'notes_task_report';
export const REPORT_FINISHED_KIND = 'notes_report_finished';

export const reportPayloadSchema = z.object({ ownerId: z.uuid() });

export const reportFinishedPayloadSchema = z.object({
  ownerId: z.uuid(),
  /** When the announced report was generated; older snapshots are not synced in its name. */
  generatedAt: z.iso.datetime().optional(),
});

export interface ReportResult {
  ownerId: string;
  total: number;
  completionRate: number;
  generatedAt: string;
}

export async function generateTaskReport(
  { ownerId }: z.infer<typeof reportPayloadSchema>,
  ctx: Pick<TaskCtx, 'db' | 'queue' | 'log' | 'message'>,
): Promise<ReportResult> {
  // Retried like any failure and dead-lettered at the end: an account deleted after the job
  // was queued shows up as a dead job with this message.
  if (!(await ownerExists(ctx.db, ownerId))) throw new NotFoundError(`No owner with id ${ownerId}`);
  const report = await saveReport(ctx.db, await computeReport(ctx.db, ownerId), ctx.message.jobId ?? null);
  // Keyed on the report message, so a retried attempt re-announces with the same message id and
  // the sink's inbox runs the announcement once.
  await ctx.queue.publish(
    REPORT_FINISHED_KIND,
    { ownerId, generatedAt: report.generatedAt },
    { idempotencyKey: ctx.message.id },
  );
  ctx.log.info({ ownerId, total: report.total, jobId: report.jobId }, 'Notes task report generated');
  return {
    ownerId,
    total: report.total,
    completionRate: report.completionRate,
    generatedAt: report.generatedAt,
  };
}

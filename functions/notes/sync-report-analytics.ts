import { defineTask } from '../../shared/contract/index.ts';
import { syncReportDocument } from './lib/analytics.ts';
import { REPORT_FINISHED_KIND, reportFinishedPayloadSchema } from './lib/report-task.ts';

/** Mirror a finished report into the analytics document store (analytics.task_reports). */
export default defineTask({
  consumes: REPORT_FINISHED_KIND,
  payload: reportFinishedPayloadSchema,
  // Its first attempt can come before the report committed (see ReportNotReadyError): retry soon.
  retry: { attempts: 6, baseDelayMs: 500, maxDelayMs: 10_000 },
  handler: async ({ ownerId, generatedAt }, ctx) => {
    const document = await syncReportDocument(ctx.db, ownerId, { notBefore: generatedAt });
    return { ownerId, generatedAt: document.generatedAt };
  },
});

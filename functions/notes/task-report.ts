import { defineTask } from '../../shared/contract/index.ts';
import { generateTaskReport, REPORT_KIND, reportPayloadSchema } from './lib/report-task.ts';
import { reportRetryPolicy } from './lib/settings.ts';

/** Compute an owner's task report (counts, completion rate, recent activity) and store it. */
export default defineTask({
  consumes: REPORT_KIND,
  payload: reportPayloadSchema,
  // NOTES_REPORT_MAX_ATTEMPTS / NOTES_REPORT_RETRY_BASE_MS (defaults 5 and 1000 ms).
  retry: reportRetryPolicy(),
  handler: (payload, ctx) => generateTaskReport(payload, ctx),
});

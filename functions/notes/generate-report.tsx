import { defineHttp } from '../../shared/contract/index.ts';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { partial } from '../../shared/http/views/index.ts';
import { toDashboard } from './lib/page-responses.ts';
import { triggerReport } from './lib/report-jobs.ts';
import { reportProgress } from './lib/report-progress.ts';
import { ReportPanel } from './views/report-panel.tsx';

const UNAVAILABLE = 'Could not queue the report: the job queue is unavailable. Try again in a moment.';

export default defineHttp({
  method: 'POST',
  path: '/report',
  summary: 'Notes page: generate my task report',
  hidden: true,
  auth: 'user',
  handler: async (req, ctx) => {
    const user = req.user;
    const htmx = req.htmx;
    let jobId: string | undefined;
    try {
      ({ jobId } = await triggerReport(ctx, req.correlationId, user.id));
    } catch (err) {
      if (!(err instanceof QueueUnavailableError)) throw err;
      ctx.log.warn({ err }, 'report not queued: broker unavailable');
      if (!htmx) return toDashboard({ type: 'error', message: UNAVAILABLE });
      const progress = await reportProgress(ctx, user.id);
      return partial(
        <ReportPanel progress={progress} csrfToken={await req.csrfToken()} notice={UNAVAILABLE} />,
      );
    }
    if (!htmx)
      return toDashboard({
        type: 'success',
        message: 'Report queued: it shows on the dashboard when ready.',
      });
    // The panel now watches this job: it polls until the report is ready.
    const progress = await reportProgress(ctx, user.id, jobId);
    return partial(<ReportPanel progress={progress} csrfToken={await req.csrfToken()} />);
  },
});

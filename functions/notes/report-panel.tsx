import * as z from 'zod';
import { defineHttp } from '../../shared/contract/index.ts';
import { partial } from '../../shared/http/views/index.ts';
import { reportProgress } from './lib/report-progress.ts';
import { ReportPanel } from './views/report-panel.tsx';

export default defineHttp({
  method: 'GET',
  path: '/report-panel',
  summary: 'Notes page: the report panel (htmx fragment, polled while a report job runs)',
  hidden: true,
  auth: 'user',
  // Only the caller's own report jobs are shown; any other id falls back to their latest job.
  query: z.object({ job: z.uuid().optional().catch(undefined) }),
  handler: async (req, ctx) => {
    const progress = await reportProgress(ctx, req.user.id, req.query.job);
    return partial(<ReportPanel progress={progress} csrfToken={await req.csrfToken()} />);
  },
});

import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { latestSnapshot } from './lib/analysis-snapshots.ts';
import { AnalysisPage } from './views/analysis-page.tsx';
import { GRADCAFE_JOB_KINDS } from './views/job-summary.ts';

export default defineHttp({
  method: 'GET',
  path: '/',
  auth: 'public',
  summary: 'GradCafe analysis page',
  hidden: true,
  handler: async (req, ctx) => {
    const [snapshot, jobs] = await Promise.all([
      latestSnapshot(ctx.db),
      ctx.jobs.recent({ kinds: GRADCAFE_JOB_KINDS, limit: 10 }),
    ]);
    const viewer = await pageViewer(req);
    return html(<AnalysisPage snapshot={snapshot} jobs={jobs} flash={req.flash} viewer={viewer} />);
  },
});

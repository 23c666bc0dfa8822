import { defineHttp } from '../../shared/contract/index.ts';
import { partial } from '../../shared/http/views/index.ts';
import { GRADCAFE_JOB_KINDS, isActive } from './views/job-summary.ts';
import { RecentJobs } from './views/recent-jobs.tsx';

export default defineHttp({
  method: 'GET',
  path: '/jobs-panel',
  auth: 'public',
  summary: 'GradCafe recent jobs panel (htmx partial)',
  hidden: true,
  handler: async (req, ctx) => {
    const jobs = await ctx.jobs.recent({ kinds: GRADCAFE_JOB_KINDS, limit: 10 });
    // The panel only polls while a job is active; when a poll finds none active, the job it
    // was watching just finished, so have htmx reload the page to show the fresh results.
    const finished = req.htmx && !jobs.some(isActive);
    return partial(
      <RecentJobs jobs={jobs} linkJobs={req.user?.role === 'admin'} />,
      finished ? { headers: { 'HX-Refresh': 'true' } } : {},
    );
  },
});

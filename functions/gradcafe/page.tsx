import * as z from 'zod';
import { defineHttp, html, type HttpCtx } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { askableNames } from './lib/analysis.ts';
import { latestSnapshot, snapshotOfJob } from './lib/analysis-snapshots.ts';
import { AnalysisPage } from './views/analysis-page.tsx';
import { GRADCAFE_JOB_KINDS } from './views/job-summary.ts';
import type { Question } from './views/question-notice.tsx';

export default defineHttp({
  method: 'GET',
  path: '/',
  auth: 'public',
  summary: 'GradCafe analysis page',
  hidden: true,
  query: z.object({ job: z.uuid('must be a job id').optional() }),
  handler: async (req, ctx) => {
    const [snapshot, question, names, jobs] = await Promise.all([
      latestSnapshot(ctx.db),
      req.query.job === undefined ? undefined : askedQuestion(ctx, req.query.job),
      askableNames(ctx.db),
      ctx.jobs.recent({ kinds: GRADCAFE_JOB_KINDS, limit: 10 }),
    ]);
    const viewer = await pageViewer(req);
    return html(
      <AnalysisPage
        snapshot={snapshot}
        question={question}
        names={names}
        jobs={jobs}
        flash={req.flash}
        viewer={viewer}
      />,
    );
  },
});

async function askedQuestion(ctx: Pick<HttpCtx, 'db' | 'jobs'>, jobId: string): Promise<Question> {
  const [job, snapshot] = await Promise.all([ctx.jobs.get(jobId), snapshotOfJob(ctx.db, jobId)]);
  // Only analysis jobs are questions; another job's id shows as unknown, revealing nothing of it.
  return { jobId, job: job?.kind === 'recompute_analytics' ? job : undefined, snapshot };
}

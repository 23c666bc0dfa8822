import { defineHttp, html } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { jobParams } from './lib/schemas.ts';
import { JobPage } from './views/job-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/console/jobs/:id',
  summary: "Console: a job's page (timeline, payload, result, log lines, retry or cancel)",
  hidden: true,
  auth: 'admin',
  params: jobParams,
  handler: async (req, ctx) => {
    const [job, viewer] = await Promise.all([ctx.jobs.detail(req.params.id), pageViewer(req)]);
    if (!job) throw new NotFoundError(`No job with id ${req.params.id}`);
    return html(<JobPage job={job} viewer={viewer} flash={req.flash} />);
  },
});

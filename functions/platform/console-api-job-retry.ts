import { defineHttp, jobAcceptedResponses } from '../../shared/contract/index.ts';
import { actOnJob } from './lib/job-actions.ts';
import { jobParams } from './lib/schemas.ts';

/** The job page's Retry button, and the same for scripts. */
export default defineHttp({
  method: 'POST',
  path: '/console/api/jobs/:id/retry',
  auth: 'admin',
  summary: 'Retry a failed or dead job',
  description:
    'Runs the job again from its first attempt, under its first message id: should its dead letter be ' +
    'replayed as well, only one of the two runs. A form post is sent back to the job page with a message.',
  params: jobParams,
  responses: {
    ...jobAcceptedResponses(),
    404: { description: 'No job with this id' },
    409: { description: 'The job is not failed or dead' },
  },
  handler: (req, ctx) => actOnJob(req, ctx, 'retry'),
});

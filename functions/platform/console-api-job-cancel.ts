import { defineHttp } from '../../shared/contract/index.ts';
import { actOnJob } from './lib/job-actions.ts';
import { jobParams, jobSchema } from './lib/schemas.ts';

/** The job page's Cancel button, and the same for scripts. */
export default defineHttp({
  method: 'POST',
  path: '/console/api/jobs/:id/cancel',
  auth: 'admin',
  summary: 'Cancel a job that has not run yet',
  description:
    'A queued job, or one waiting for its next attempt, is marked cancelled; its message is acknowledged ' +
    'without running when it arrives. A form post is sent back to the job page with a message.',
  params: jobParams,
  responses: {
    200: { description: 'The cancelled job', schema: jobSchema },
    404: { description: 'No job with this id' },
    409: { description: 'The job has already run or is running' },
  },
  handler: (req, ctx) => actOnJob(req, ctx, 'cancel'),
});

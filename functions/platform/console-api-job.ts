import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { jobDetailSchema, jobParams } from './lib/schemas.ts';

/** A job with its story: every attempt and operator action, and the lines its task logged. */
export default defineHttp({
  method: 'GET',
  path: '/console/api/jobs/:id',
  auth: 'admin',
  summary: 'Get a job with its attempts and log lines',
  params: jobParams,
  responses: {
    200: { description: 'The job, its timeline and its log lines', schema: jobDetailSchema },
    404: { description: 'No job with this id' },
  },
  handler: async ({ params }, ctx) => {
    const job = await ctx.jobs.detail(params.id);
    if (!job) throw new NotFoundError(`No job with id ${params.id}`);
    return json(job);
  },
});

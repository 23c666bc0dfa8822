import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { jobSchema } from './lib/schemas.ts';

/** A triggered job's state: queued → running → succeeded | failed | dead. */
export default defineHttp({
  method: 'GET',
  path: '/jobs/:id',
  summary: 'Get a job',
  description:
    'Status, attempts, timestamps, error and result summary of a job triggered by an endpoint or schedule.',
  params: z.object({ id: z.uuid() }),
  responses: {
    200: { description: 'The job', schema: jobSchema },
    404: { description: 'No job with this id' },
  },
  handler: async ({ params }, ctx) => {
    const job = await ctx.jobs.get(params.id);
    if (!job) throw new NotFoundError(`No job with id ${params.id}`);
    return json(job);
  },
});

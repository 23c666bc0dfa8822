import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { jobSchema } from './lib/schemas.ts';

/**
 * A triggered job's state: queued → running → succeeded | failed | dead. Its payload and result
 * are its owner's business: the user who triggered it and admins may read it; for anyone else it
 * does not exist (404, the same answer as an unknown id, so ids cannot be probed).
 */
export default defineHttp({
  method: 'GET',
  path: '/jobs/:id',
  auth: 'user',
  summary: 'Get a job',
  description:
    'Status, attempts, timestamps, error and result summary of a job triggered by an endpoint or schedule. ' +
    'Readable by the user who triggered it and by admins.',
  params: z.object({ id: z.uuid() }),
  responses: {
    200: { description: 'The job', schema: jobSchema },
    404: { description: 'No job with this id that you may read' },
  },
  handler: async ({ params, user }, ctx) => {
    const job = await ctx.jobs.get(params.id);
    if (!job || (user.role !== 'admin' && job.triggeredBy !== user.id)) {
      throw new NotFoundError(`No job with id ${params.id}`);
    }
    return json(job);
  },
});

import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { latestSnapshot, snapshotOfJob } from './lib/analysis-snapshots.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/analysis',
  auth: 'public',
  summary: 'The GradCafe analysis (the figures on the page) with when it was computed',
  description:
    'Without `job`: the latest answers to the standard question (the latest term, Johns Hopkins University, ' +
    'Computer Science, Masters). With `job`: the answers computed by that POST /gradcafe/update-analysis job.',
  query: z.object({ job: z.uuid('must be a job id').optional() }),
  responses: {
    200: { description: 'An analysis snapshot: computedAt, params, results, isDefault' },
    404: { description: 'No analysis has been computed yet, or that job has not finished' },
  },
  handler: async (req, ctx) => {
    const { job } = req.query;
    if (job !== undefined) {
      const snapshot = await snapshotOfJob(ctx.db, job);
      if (!snapshot) throw new NotFoundError(`No answers from job ${job} (yet): see GET /jobs/${job}`);
      return json(snapshot);
    }
    const snapshot = await latestSnapshot(ctx.db);
    if (!snapshot)
      throw new NotFoundError('No analysis has been computed yet: POST /gradcafe/update-analysis');
    return json(snapshot);
  },
});

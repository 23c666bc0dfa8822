import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { latestSnapshot } from './lib/analysis-snapshots.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/analysis',
  auth: 'public',
  summary: 'The latest GradCafe analysis (the figures on the page) with when it was computed',
  responses: {
    200: { description: 'The latest analysis snapshot: computedAt, params, results' },
    404: { description: 'No analysis has been computed yet' },
  },
  handler: async (_req, ctx) => {
    const snapshot = await latestSnapshot(ctx.db);
    if (!snapshot)
      throw new NotFoundError('No analysis has been computed yet: POST /gradcafe/update-analysis');
    return json(snapshot);
  },
});

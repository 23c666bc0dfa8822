import { defineHttp, json } from '../../shared/contract/index.ts';
import { ownerResponses } from './lib/openapi.ts';
import { allOwnerStatsSchema } from './lib/stats-store.ts';
import { allOwnerStatsCached } from './lib/tasks.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/stats',
  summary: 'Task statistics of every owner, with totals (admins)',
  description: 'Per owner: email, counts by status and completion rate. Cached.',
  auth: 'admin',
  responses: {
    200: { description: 'Per-owner statistics and totals', schema: allOwnerStatsSchema },
    ...ownerResponses,
  },
  handler: async (_req, ctx) => json(await allOwnerStatsCached(ctx)),
});

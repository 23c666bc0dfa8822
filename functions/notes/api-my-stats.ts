import { defineHttp, json } from '../../shared/contract/index.ts';
import { authResponses } from './lib/openapi.ts';
import { ownerStatsSchema } from './lib/stats-store.ts';
import { ownerStatsCached } from './lib/tasks.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/stats/me',
  summary: "The caller's task counts by status and completion rate",
  auth: 'user',
  responses: { 200: { description: "The caller's statistics", schema: ownerStatsSchema }, ...authResponses },
  handler: async ({ user }, ctx) => json(await ownerStatsCached(ctx, user.id)),
});

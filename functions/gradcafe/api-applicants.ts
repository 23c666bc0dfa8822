import { defineHttp, json } from '../../shared/contract/index.ts';
import { applicantsQuerySchema, listApplicants } from './lib/applicants-query.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/applicants',
  auth: 'public',
  summary: 'Stored GradCafe applicants, newest first, paginated and filterable by term, status and degree',
  description:
    'Page with limit (1..100, default 20) and offset; an offset past the end answers no items and the total.',
  query: applicantsQuerySchema,
  responses: {
    200: { description: 'One page: items, total, limit, offset' },
    400: { description: 'Malformed filter or paging, or an unknown query parameter' },
  },
  handler: async ({ query }, ctx) => json(await listApplicants(ctx.db, query)),
});

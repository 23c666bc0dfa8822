import { defineHttp, json } from '../../shared/contract/index.ts';
import { applicantsQuerySchema, listApplicants } from './lib/applicants-query.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/applicants',
  summary: 'Stored GradCafe applicants, newest first, paginated and filterable by term, status and degree',
  description:
    'page >= 1, pageSize 1..100 (default 20); a page past the last one is a 400 naming the last page.',
  query: applicantsQuerySchema,
  responses: {
    200: { description: 'One page: items, page, pageSize, total, totalPages' },
    400: { description: 'Malformed filter or paging' },
  },
  handler: async ({ query }, ctx) => json(await listApplicants(ctx.db, query)),
});

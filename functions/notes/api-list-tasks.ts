import { defineHttp, json } from '../../shared/contract/index.ts';
import { assertMayAccessOwner } from './lib/access.ts';
import { taskListQuerySchema, taskPageSchema } from './lib/model.ts';
import { ownerResponses } from './lib/openapi.ts';
import { listTasksCached } from './lib/tasks.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/tasks',
  summary: "List the caller's tasks, newest first (admins: any owner's with owner_id)",
  description: 'Filter by status; page with limit (1..100, default 20) and offset. Cached per owner.',
  auth: 'user',
  query: taskListQuerySchema,
  responses: { 200: { description: 'One page of tasks', schema: taskPageSchema }, ...ownerResponses },
  handler: async ({ query, user }, ctx) => {
    const ownerId = assertMayAccessOwner(user, query.owner_id);
    return json(
      await listTasksCached(ctx, { ownerId, status: query.status, limit: query.limit, offset: query.offset }),
    );
  },
});

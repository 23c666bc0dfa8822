import { defineHttp, json } from '../../shared/contract/index.ts';
import { taskIdParams, taskSchema } from './lib/model.ts';
import { authResponses } from './lib/openapi.ts';
import { getTaskAs } from './lib/tasks.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/tasks/:id',
  summary: "Get one of the caller's tasks (admins: any task)",
  auth: 'user',
  params: taskIdParams,
  responses: {
    200: { description: 'The task', schema: taskSchema },
    404: { description: "No such task, or another owner's" },
    ...authResponses,
  },
  handler: async ({ params, user }, ctx) => json(await getTaskAs(ctx, user, params.id)),
});

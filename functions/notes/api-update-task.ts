import { defineHttp, json } from '../../shared/contract/index.ts';
import { taskIdParams, taskSchema, taskUpdateSchema } from './lib/model.ts';
import { authResponses } from './lib/openapi.ts';
import { updateTaskAs } from './lib/tasks.ts';

export default defineHttp({
  method: 'PATCH',
  path: '/api/tasks/:id',
  summary: "Change a task's title, description or status (admins: any task)",
  description: 'Fields left out keep their value; at least one is required. Other fields are ignored.',
  auth: 'user',
  params: taskIdParams,
  body: taskUpdateSchema,
  responses: {
    200: { description: 'The changed task', schema: taskSchema },
    400: { description: 'Invalid fields' },
    404: { description: "No such task, or another owner's" },
    ...authResponses,
  },
  handler: async ({ params, body, user }, ctx) => json(await updateTaskAs(ctx, user, params.id, body)),
});

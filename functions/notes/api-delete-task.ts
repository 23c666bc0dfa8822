import { defineHttp } from '../../shared/contract/index.ts';
import { taskIdParams } from './lib/model.ts';
import { authResponses } from './lib/openapi.ts';
import { deleteTaskAs } from './lib/tasks.ts';

export default defineHttp({
  method: 'DELETE',
  path: '/api/tasks/:id',
  summary: 'Delete a task (admins: any task)',
  auth: 'user',
  params: taskIdParams,
  responses: {
    204: { description: 'Deleted' },
    404: { description: "No such task, or another owner's" },
    ...authResponses,
  },
  handler: async ({ params, user }, ctx) => {
    await deleteTaskAs(ctx, user, params.id);
    return new Response(null, { status: 204 });
  },
});

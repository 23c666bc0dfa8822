import { defineHttp, json } from '../../shared/contract/index.ts';
import { taskCreateSchema, taskSchema } from './lib/model.ts';
import { authResponses } from './lib/openapi.ts';
import { createTaskFor } from './lib/tasks.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/tasks',
  summary: 'Create a task owned by the caller',
  description:
    'title (1..200), optional description (up to 2000) and status (default todo). Other fields are ignored.',
  auth: 'user',
  body: taskCreateSchema,
  responses: {
    201: { description: 'The new task', schema: taskSchema },
    400: { description: 'Invalid fields' },
    ...authResponses,
  },
  handler: async ({ body, user }, ctx) => json(await createTaskFor(ctx, user.id, body), 201),
});

import { defineHttp } from '../../shared/contract/index.ts';
import { taskIdParams } from './lib/model.ts';
import { changedFragment, orTaskGone, toDashboard } from './lib/page-responses.ts';
import { toggleTaskAs } from './lib/tasks.ts';
import { TaskItem } from './views/task-item.tsx';

export default defineHttp({
  method: 'POST',
  path: '/items/:id/toggle',
  summary: 'Notes page: mark a task done, or reopen a done one',
  hidden: true,
  auth: 'user',
  params: taskIdParams,
  handler: (req, ctx) =>
    orTaskGone(req, async () => {
      const task = await toggleTaskAs(ctx, req.user, req.params.id);
      if (!req.htmx) {
        const message = task.status === 'done' ? `Done: ${task.title}` : `Reopened: ${task.title}`;
        return toDashboard({ type: 'success', message });
      }
      return changedFragment(<TaskItem task={task} csrfToken={await req.csrfToken()} />);
    }),
});

import { defineHttp } from '../../shared/contract/index.ts';
import { taskIdParams } from './lib/model.ts';
import { changedFragment, orTaskGone, toDashboard } from './lib/page-responses.ts';
import { isHtmx } from './lib/paths.ts';
import { deleteTaskAs } from './lib/tasks.ts';

export default defineHttp({
  method: 'POST',
  path: '/items/:id/delete',
  summary: 'Notes page: delete a task',
  hidden: true,
  auth: 'user',
  params: taskIdParams,
  handler: (req, ctx) =>
    orTaskGone(req, async () => {
      await deleteTaskAs(ctx, req.user, req.params.id);
      if (!isHtmx(req.headers)) return toDashboard({ type: 'success', message: 'Task deleted.' });
      // An empty fragment: htmx swaps the item out of the list.
      return changedFragment('');
    }),
});

import { defineHttp } from '../../shared/contract/index.ts';
import { currentListView, loadListPage } from './lib/list-view.ts';
import { taskIdParams } from './lib/model.ts';
import { changedFragment, orTaskGone, toDashboard } from './lib/page-responses.ts';
import { deleteTaskAs } from './lib/tasks.ts';
import { TaskList } from './views/task-list.tsx';

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
      if (!req.htmx) return toDashboard({ type: 'success', message: 'Task deleted.' });
      // The list the user is looking at, re-rendered: the next task moves up, and the pager's
      // count agrees with the stats line (which refreshes itself on the event).
      const view = currentListView(req);
      const page = await loadListPage(ctx, req.user.id, view);
      return changedFragment(<TaskList page={page} filter={view.status} csrfToken={await req.csrfToken()} />);
    }),
});

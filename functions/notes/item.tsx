import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { partial } from '../../shared/http/views/index.ts';
import { taskIdParams } from './lib/model.ts';
import { orTaskGone } from './lib/page-responses.ts';
import { DASHBOARD_PATH } from './lib/paths.ts';
import { getTaskAs } from './lib/tasks.ts';
import { TaskItem } from './views/task-item.tsx';

export default defineHttp({
  method: 'GET',
  path: '/items/:id',
  summary: 'Notes page: one task (htmx fragment, e.g. to cancel an edit)',
  hidden: true,
  auth: 'user',
  params: taskIdParams,
  handler: (req, ctx) =>
    orTaskGone(req, async () => {
      const task = await getTaskAs(ctx, req.user, req.params.id);
      // A fragment is no page: a browser that asks for it directly goes to the dashboard.
      if (!req.htmx) return redirect(DASHBOARD_PATH);
      return partial(<TaskItem task={task} csrfToken={await req.csrfToken()} />);
    }),
});

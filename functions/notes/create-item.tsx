import { defineHttp } from '../../shared/contract/index.ts';
import { partial } from '../../shared/http/views/index.ts';
import { describeIssues } from '../../shared/validation.ts';
import { loadListPage } from './lib/list-view.ts';
import { STATUS_LABELS, statusSchema, taskCreateSchema } from './lib/model.ts';
import { taskFormBody } from './lib/page-forms.ts';
import { changedFragment, toDashboard } from './lib/page-responses.ts';
import { CHANGED_EVENT, dashboardUrl } from './lib/paths.ts';
import { createTaskFor } from './lib/tasks.ts';
import { CREATE_ERROR_ID, CreateTaskForm } from './views/create-task-form.tsx';
import { TaskList } from './views/task-list.tsx';

export default defineHttp({
  method: 'POST',
  path: '/items',
  summary: 'Notes page: add a task',
  hidden: true,
  auth: 'user',
  body: taskFormBody,
  handler: async (req, ctx) => {
    const user = req.user;
    const htmx = req.htmx;
    const input = taskCreateSchema.safeParse(req.body);
    if (!input.success) {
      const message = `Task not added: ${describeIssues(input.error)}`;
      if (!htmx) return toDashboard({ type: 'error', message });
      return partial(
        <p class="flash flash-error" role="alert">
          {message}
        </p>,
        { headers: { 'HX-Retarget': `#${CREATE_ERROR_ID}`, 'HX-Reswap': 'innerHTML' } },
      );
    }
    const task = await createTaskFor(ctx, user.id, input.data);
    const filter = statusSchema.safeParse(req.body.view_status).data;
    // A task the list's filter hides would seem not to have been added: say where it went.
    const hiddenBy = filter !== undefined && task.status !== filter ? filter : undefined;
    const added = hiddenBy
      ? `Task added as ${STATUS_LABELS[task.status]}; the ${STATUS_LABELS[hiddenBy]} filter hides it.`
      : 'Task added.';
    if (!htmx) return toDashboard({ type: 'success', message: added }, dashboardUrl({ status: filter }));
    // The new task is the newest: show the first page of the list the user was looking at.
    const csrfToken = await req.csrfToken();
    const page = await loadListPage(ctx, user.id, { status: filter, page: 1 });
    return changedFragment(
      <>
        <TaskList page={page} filter={filter} csrfToken={csrfToken} />
        <CreateTaskForm csrfToken={csrfToken} filter={filter} notice={hiddenBy && added} oob />
      </>,
      [CHANGED_EVENT],
    );
  },
});

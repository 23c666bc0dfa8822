import { defineHttp, html } from '../../shared/contract/index.ts';
import { partial } from '../../shared/http/views/index.ts';
import { taskIdParams } from './lib/model.ts';
import { orTaskGone } from './lib/page-responses.ts';
import { getTaskAs } from './lib/tasks.ts';
import { NotesLayout } from './views/notes-layout.tsx';
import { TaskEditForm } from './views/task-edit-form.tsx';

export default defineHttp({
  method: 'GET',
  path: '/items/:id/edit',
  summary: "Notes page: a task's edit form (in place with htmx, else a page of its own)",
  hidden: true,
  auth: 'user',
  params: taskIdParams,
  handler: (req, ctx) =>
    orTaskGone(req, async () => {
      const user = req.user;
      const task = await getTaskAs(ctx, user, req.params.id);
      const csrfToken = await req.csrfToken();
      const form = <TaskEditForm task={task} csrfToken={csrfToken} />;
      if (req.htmx) return partial(form);
      return html(
        <NotesLayout title="Edit task" user={user} csrfToken={csrfToken} flash={req.flash}>
          <section class="card">
            <h1>Edit task</h1>
            <ul class="task-list">{form}</ul>
          </section>
        </NotesLayout>,
      );
    }),
});

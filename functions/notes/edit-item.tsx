import { defineHttp } from '../../shared/contract/index.ts';
import { partial } from '../../shared/http/views/index.ts';
import { describeIssues } from '../../shared/validation.ts';
import { statusSchema, taskIdParams, taskUpdateSchema } from './lib/model.ts';
import { taskFormBody } from './lib/page-forms.ts';
import { changedFragment, orTaskGone, toDashboard } from './lib/page-responses.ts';
import { getTaskAs, updateTaskAs } from './lib/tasks.ts';
import { TaskEditForm } from './views/task-edit-form.tsx';
import { TaskItem } from './views/task-item.tsx';

export default defineHttp({
  method: 'POST',
  path: '/items/:id/edit',
  summary: "Notes page: save a task's title, description and status",
  hidden: true,
  auth: 'user',
  params: taskIdParams,
  body: taskFormBody,
  handler: (req, ctx) =>
    orTaskGone(req, async () => {
      const user = req.user;
      const htmx = req.htmx;
      const input = taskUpdateSchema.safeParse(req.body);
      if (!input.success) {
        const message = `Not saved: ${describeIssues(input.error)}`;
        if (!htmx) return toDashboard({ type: 'error', message });
        // The form again, with what was typed and why it was refused.
        const task = await getTaskAs(ctx, user, req.params.id);
        const typed = {
          ...task,
          title: req.body.title ?? task.title,
          description: req.body.description ?? task.description,
          status: statusSchema.safeParse(req.body.status).data ?? task.status,
        };
        return partial(<TaskEditForm task={typed} csrfToken={await req.csrfToken()} error={message} />);
      }
      const task = await updateTaskAs(ctx, user, req.params.id, input.data);
      if (!htmx) return toDashboard({ type: 'success', message: 'Task saved.' });
      return changedFragment(<TaskItem task={task} csrfToken={await req.csrfToken()} />);
    }),
});

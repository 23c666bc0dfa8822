import {
  MAX_DESCRIPTION_LENGTH,
  MAX_TITLE_LENGTH,
  STATUS_LABELS,
  TASK_STATUSES,
  type Task,
} from '../lib/model.ts';
import { DASHBOARD_PATH, itemPath } from '../lib/paths.ts';
import { CsrfField } from '../../../shared/http/views/index.ts';
import { taskElementId } from './task-item.tsx';

/**
 * A task's edit form, swapped in place of the item (or shown on a page of its own without
 * JavaScript). Saving swaps the item back; Cancel fetches the unchanged item.
 */
export function TaskEditForm({ task, csrfToken, error }: { task: Task; csrfToken: string; error?: string }) {
  const inPlace = { 'hx-target': `#${taskElementId(task.id)}`, 'hx-swap': 'outerHTML' };
  return (
    <li id={taskElementId(task.id)} class="task">
      <form
        class="task-edit"
        method="post"
        action={itemPath(task.id, 'edit')}
        hx-post={itemPath(task.id, 'edit')}
        {...inPlace}
      >
        <CsrfField token={csrfToken} />
        {error && (
          <p class="flash flash-error" role="alert">
            {error}
          </p>
        )}
        <label>
          Title
          <input name="title" required maxlength={MAX_TITLE_LENGTH} value={task.title} />
        </label>
        <label>
          Description
          <textarea name="description" maxlength={MAX_DESCRIPTION_LENGTH}>
            {task.description}
          </textarea>
        </label>
        <label>
          Status
          <select name="status">
            {TASK_STATUSES.map((status) => (
              <option value={status} selected={status === task.status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </label>
        <div class="actions">
          <button class="btn btn-primary btn-small" type="submit">
            Save
          </button>
          <a class="btn btn-small" href={DASHBOARD_PATH} hx-get={itemPath(task.id)} {...inPlace}>
            Cancel
          </a>
        </div>
      </form>
    </li>
  );
}

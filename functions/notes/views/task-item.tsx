import type { Task } from '../lib/model.ts';
import { STATUS_LABELS } from '../lib/model.ts';
import { itemPath } from '../lib/paths.ts';
import { CsrfField } from '../../../shared/http/views/index.ts';
import { formatDateTime } from './format.ts';
import { TASK_LIST_ID } from './task-list.tsx';

export const taskElementId = (id: string) => `task-${id}`;

/**
 * One task with its actions. Each action is a plain form (it works without JavaScript: 303 back
 * to the dashboard) that htmx submits in place, swapping just this item.
 */
export function TaskItem({ task, csrfToken }: { task: Task; csrfToken: string }) {
  const target = `#${taskElementId(task.id)}`;
  const inPlace = { 'hx-target': target, 'hx-swap': 'outerHTML' };
  const done = task.status === 'done';
  return (
    <li id={taskElementId(task.id)} class={`task${done ? ' done' : ''}`}>
      <form
        method="post"
        action={itemPath(task.id, 'toggle')}
        hx-post={itemPath(task.id, 'toggle')}
        {...inPlace}
      >
        <CsrfField token={csrfToken} />
        <button
          class="btn btn-small"
          type="submit"
          aria-label={done ? `Reopen “${task.title}”` : `Mark “${task.title}” done`}
        >
          {done ? 'Reopen' : 'Mark done'}
        </button>
      </form>
      <div class="body">
        <div class="title">{task.title}</div>
        {task.description && <p class="description">{task.description}</p>}
        <div class="meta">
          <span class={`badge badge-${task.status}`}>{STATUS_LABELS[task.status]}</span>{' '}
          <time datetime={task.updatedAt}>{formatDateTime(task.updatedAt)}</time>
        </div>
      </div>
      <div class="actions">
        <a
          class="btn btn-small"
          href={itemPath(task.id, 'edit')}
          hx-get={itemPath(task.id, 'edit')}
          {...inPlace}
        >
          Edit
        </a>
        {/* A delete answers with the whole list (the pager's count changes with it). */}
        <form
          method="post"
          action={itemPath(task.id, 'delete')}
          hx-post={itemPath(task.id, 'delete')}
          hx-confirm={`Delete “${task.title}”?`}
          hx-target={`#${TASK_LIST_ID}`}
          hx-swap="outerHTML"
        >
          <CsrfField token={csrfToken} />
          <button class="btn btn-small btn-danger" type="submit">
            Delete
          </button>
        </form>
      </div>
    </li>
  );
}

import {
  MAX_DESCRIPTION_LENGTH,
  MAX_TITLE_LENGTH,
  STATUS_LABELS,
  TASK_STATUSES,
  type TaskStatus,
} from '../lib/model.ts';
import { ITEMS_PATH } from '../lib/paths.ts';
import { CsrfField } from '../../../shared/http/views/index.ts';
import { TASK_LIST_ID } from './task-list.tsx';

export const CREATE_ERROR_ID = 'create-error';

/**
 * The new-task form. With htmx it posts in the background, swaps in the refreshed list (first
 * page, same filter) and clears itself when told the task was created (the CREATED_EVENT sent
 * with the list); a refused title shows in its error slot instead.
 */
export function CreateTaskForm({ csrfToken, filter }: { csrfToken: string; filter: TaskStatus | undefined }) {
  return (
    <section class="card" aria-labelledby="create-title">
      <h2 id="create-title">New task</h2>
      <form
        method="post"
        action={ITEMS_PATH}
        hx-post={ITEMS_PATH}
        hx-target={`#${TASK_LIST_ID}`}
        hx-swap="outerHTML"
        hx-on-notes-created="this.reset()"
      >
        <CsrfField token={csrfToken} />
        <input type="hidden" name="view_status" value={filter ?? ''} />
        <div id={CREATE_ERROR_ID} aria-live="polite"></div>
        <div class="form-row">
          <label>
            Title
            <input name="title" required maxlength={MAX_TITLE_LENGTH} placeholder="What needs doing?" />
          </label>
          <label>
            Status
            <select name="status">
              {TASK_STATUSES.map((status) => (
                <option value={status}>{STATUS_LABELS[status]}</option>
              ))}
            </select>
          </label>
        </div>
        <label>
          Description
          <textarea name="description" maxlength={MAX_DESCRIPTION_LENGTH}></textarea>
        </label>
        <p>
          <button class="btn btn-primary" type="submit">
            Add task
          </button>
        </p>
      </form>
    </section>
  );
}

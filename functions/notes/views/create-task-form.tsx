import {
  MAX_DESCRIPTION_LENGTH,
  MAX_TITLE_LENGTH,
  STATUS_LABELS,
  TASK_STATUSES,
  type TaskStatus,
} from '../lib/model.ts';
import { DASHBOARD_PATH, ITEMS_PATH } from '../lib/paths.ts';
import { CsrfField } from '../../../shared/http/views/index.ts';
import { TASK_LIST_ID } from './task-list.tsx';

export const CREATE_ERROR_ID = 'create-error';

export const CREATE_FORM_ID = 'create-task';

/**
 * The new-task form. With htmx it posts in the background and swaps in the refreshed list (first
 * page, same filter); after a create the answer also carries a fresh, empty copy of this form
 * (`oob`: an out-of-band swap), which is how it clears itself without script in the page; a
 * refused title shows in its error slot instead and keeps what was typed.
 */
export function CreateTaskForm({
  csrfToken,
  filter,
  notice,
  oob = false,
}: {
  csrfToken: string;
  filter: TaskStatus | undefined;
  /** Said above the fresh form after a create (the new task is hidden by the filter). */
  notice?: string | undefined;
  oob?: boolean;
}) {
  return (
    <section
      id={CREATE_FORM_ID}
      class="card"
      aria-labelledby="create-title"
      {...(oob ? { 'hx-swap-oob': 'true' } : {})}
    >
      <h2 id="create-title">New task</h2>
      {/* data-keep-draft: what was typed survives a session that ended (shared/http/drafts.ts). */}
      <form
        id="create-task-form"
        data-keep-draft
        method="post"
        action={ITEMS_PATH}
        hx-post={ITEMS_PATH}
        hx-target={`#${TASK_LIST_ID}`}
        hx-swap="outerHTML"
      >
        <CsrfField token={csrfToken} />
        <input type="hidden" name="view_status" value={filter ?? ''} />
        <div id={CREATE_ERROR_ID} aria-live="polite">
          {notice && (
            <p class="flash flash-info">
              {notice} <a href={DASHBOARD_PATH}>Show all tasks</a>
            </p>
          )}
        </div>
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

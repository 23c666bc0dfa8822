import { redirect, type FlashMessage, type HttpRequest } from '../../../shared/contract/index.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { partial } from '../../../shared/http/views/index.ts';
import { CHANGED_EVENT, DASHBOARD_PATH } from './paths.ts';

/**
 * How the page routes answer. htmx requests get an HTML fragment to swap in; plain form posts
 * (no JavaScript) get a 303 back to the dashboard with a flash message.
 *
 * @example
 *   if (!req.htmx) return toDashboard({ type: 'success', message: 'Task added.' });
 *   return changedFragment(<TaskItem task={task} csrfToken={token} />);
 */
type Renderable = Parameters<typeof partial>[0];
type AnyRequest = Pick<HttpRequest<unknown, unknown, unknown>, 'htmx'>;

/** A fragment after a change: the HX-Trigger events let the page refresh what depends on it. */
export function changedFragment(
  body: Renderable,
  events: readonly string[] = [CHANGED_EVENT],
): Promise<Response> {
  return partial(body, { headers: { 'HX-Trigger': events.join(', ') } });
}

export function toDashboard(flash: FlashMessage, location = DASHBOARD_PATH): Response {
  return redirect(location, { flash });
}

/**
 * Run an item action; a task that is gone (deleted in another tab, or never the user's) is not
 * an error page: htmx removes the stale item, a plain post returns with a flash message.
 */
export async function orTaskGone(req: AnyRequest, action: () => Promise<Response>): Promise<Response> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    if (req.htmx) return changedFragment('');
    return toDashboard({ type: 'error', message: 'That task no longer exists.' });
  }
}

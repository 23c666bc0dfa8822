import type { HttpRequest } from '../../../shared/contract/index.ts';
import { statusSchema, type TaskPage, type TaskStatus } from './model.ts';
import { listTasksCached, type NotesCtx } from './tasks.ts';

/** The dashboard's list as the user sees it: a status filter and a page number. */
export interface ListView {
  status: TaskStatus | undefined;
  page: number;
}

export const LIST_PAGE_SIZE = 10;

/**
 * The list the browser is showing, read from the `HX-Current-URL` header htmx sends with every
 * request, so a change made from the list can answer with that same list re-rendered (counts and
 * pager included). Anything unreadable is the default view, as on the dashboard itself.
 */
export function currentListView(req: Pick<HttpRequest<unknown, unknown, unknown>, 'headers'>): ListView {
  let query = new URLSearchParams();
  try {
    query = new URL(req.headers.get('hx-current-url') ?? '', 'http://x').searchParams;
  } catch {
    // keep the default view
  }
  const page = Number(query.get('page'));
  return {
    status: statusSchema.safeParse(query.get('status')).data,
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  };
}

/**
 * One page of a user's tasks; a page past the end (its last task was just deleted) gives the
 * last page instead, so the list never shows "nothing on this page" with tasks before it.
 */
export async function loadListPage(ctx: NotesCtx, ownerId: string, view: ListView): Promise<TaskPage> {
  const load = (page: number) =>
    listTasksCached(ctx, {
      ownerId,
      status: view.status,
      limit: LIST_PAGE_SIZE,
      offset: (page - 1) * LIST_PAGE_SIZE,
    });
  const page = await load(view.page);
  if (page.items.length > 0 || page.total === 0 || view.page === 1) return page;
  return load(Math.ceil(page.total / LIST_PAGE_SIZE));
}

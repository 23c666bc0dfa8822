import notes from '../app.ts';

/** Where the Notes pages live; forms post to these and plain form posts come back to the dashboard. */
export const DASHBOARD_PATH = notes.url();
export const ITEMS_PATH = notes.url('/items');
export const REPORT_PATH = notes.url('/report');
export const REPORT_PANEL_PATH = notes.url('/report-panel');
export const STATS_PANEL_PATH = notes.url('/stats-panel');

export const itemPath = (id: string, action?: 'edit' | 'toggle' | 'delete') =>
  `${ITEMS_PATH}/${id}${action ? `/${action}` : ''}`;

/** The dashboard with a status filter and page, as a link. */
export function dashboardUrl(view: { status?: string | undefined; page?: number | undefined }): string {
  const params = new URLSearchParams();
  if (view.status) params.set('status', view.status);
  if (view.page && view.page > 1) params.set('page', String(view.page));
  const query = params.toString();
  return query ? `${DASHBOARD_PATH}?${query}` : DASHBOARD_PATH;
}

/** Sent with fragments that changed tasks, so the page's counts refresh themselves. */
export const CHANGED_EVENT = 'notes-changed';
